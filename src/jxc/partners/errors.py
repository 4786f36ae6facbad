"""Errors of customers and suppliers."""
