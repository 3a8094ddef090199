"""DDM Hub: the information system of South Africa's District Development Model."""

__version__ = "0.1.0"
