import ArgumentParser
import ServiceLifecycle
import Logging
print("x")
