#!/usr/bin/env python3
"""Validates the API description against the OpenAPI 3.1 schema."""
import sys

import yaml
from openapi_spec_validator import validate

PATH = "Sources/DeskAPI/openapi.yaml"

with open(PATH, encoding="utf-8") as handle:
    document = yaml.safe_load(handle)
try:
    validate(document)
except Exception as error:  # the validator raises several exception types
    print(f"{PATH}: invalid OpenAPI document: {error}", file=sys.stderr)
    sys.exit(1)
print(f"{PATH}: valid OpenAPI {document['openapi']} ({len(document['paths'])} paths)")
