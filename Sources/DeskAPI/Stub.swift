import Hummingbird
import NIOPosix
