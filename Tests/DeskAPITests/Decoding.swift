import DeskAPIModels
import Foundation

enum DeskAPIModelsDecoder {
    static func decode<Value: Decodable>(_ type: Value.Type, _ data: Data) throws -> Value {
        try DeskJSON.decoder().decode(type, from: data)
    }
}
