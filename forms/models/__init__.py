"""Page types that take registrations and submissions, one module per kind of form."""

from .workshops import Registration, WorkshopFormField, WorkshopPage, WorkshopSession

__all__ = ["Registration", "WorkshopFormField", "WorkshopPage", "WorkshopSession"]
