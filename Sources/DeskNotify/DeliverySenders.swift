import DeskCore

/// The outbox's one sender: texts to the SMS receiver go to the text sender, everything else to
/// the webhooks.
public struct DeliverySenders: NotificationSender {
    public let webhooks: WebhookSender
    public let texts: TextSender

    /// Combines the two senders.
    public init(webhooks: WebhookSender, texts: TextSender) {
        self.webhooks = webhooks
        self.texts = texts
    }

    public func send(_ delivery: Delivery) async -> DeliveryResult {
        delivery.receiver == texts.name ? await texts.send(delivery) : await webhooks.send(delivery)
    }

    /// Closes both HTTP clients.
    public func shutdown() async {
        await webhooks.shutdown()
        await texts.shutdown()
    }
}
