"""EncryptedTextField: clinical free text sealed with AES-GCM, bound to its table, column and row.

The model attribute always holds plaintext for the program. The database column holds the sealed
form. Opening happens lazily on first read, because the primary key (part of the associated data)
is only known once the row is loaded. Models using this field need a primary key that is set
before saving (a UUID with a default); a system check enforces that.

Plain text never reaches the column except through save(): `update()`, `bulk_update()`, lookups
and transforms on the column raise TypeError. `values()` and `values_list()` give the sealed form
(a `Sealed` string), which is what `frame keys rotate` works on.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models.query_utils import DeferredAttribute

from frame.lib import crypto

# Lookups that go through get_prep_value, which refuses plain text: only sealed values or NULL.
_LOOKUPS_ON_SEALED_VALUES = frozenset({"exact", "in", "isnull"})


class Sealed(str):
    """A value exactly as stored: still sealed, not yet opened."""


def context_for(model: type[models.Model], column: str, pk: Any) -> str:
    return f"{model._meta.db_table}.{column}.{pk}"


class _EncryptedAttribute(DeferredAttribute):
    field: EncryptedTextField

    def __get__(
        self, instance: models.Model | None, owner: type[models.Model] | None = None
    ) -> Any:
        if instance is None:
            return self
        value = super().__get__(instance, owner)  # loads a deferred column when needed
        if isinstance(value, Sealed):
            value = crypto.open_sealed(value, context=self.field.context(instance))
            instance.__dict__[self.field.attname] = value
        return value

    def __set__(self, instance: models.Model, value: Any) -> None:
        instance.__dict__[self.field.attname] = value


class EncryptedTextField(models.TextField):  # type: ignore[type-arg]
    description = "Text encrypted at rest with AES-GCM"

    def contribute_to_class(
        self, cls: type[models.Model], name: str, private_only: bool = False
    ) -> None:
        super().contribute_to_class(cls, name, private_only)
        setattr(cls, self.attname, _EncryptedAttribute(self))

    def context(self, instance: models.Model) -> str:
        if instance.pk is None:
            raise ValueError(f"{type(instance).__name__} needs its primary key before encrypting.")
        # The model that owns the column, not type(instance): a proxy or a multi-table child
        # reads the same stored value and must produce the same associated data.
        return context_for(self.model, self.column, instance.pk)

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> Sealed | None:
        return None if value is None else Sealed(value)

    def pre_save(self, model_instance: models.Model, add: bool) -> Sealed | None:
        value = model_instance.__dict__.get(self.attname)
        if value is None or isinstance(value, Sealed):
            return value
        return Sealed(crypto.seal(str(value), context=self.context(model_instance)))

    def get_prep_value(self, value: Any) -> Any:
        # Only sealed values may reach the database; a plain string here means a bypass of pre_save
        # (QuerySet.update, filter on the column), which would store or compare clinical text.
        if value is None or isinstance(value, Sealed):
            return value
        raise TypeError(
            f"{self.model.__name__}.{self.name} is encrypted: set it on an instance and save(), "
            "never through update() or filter()."
        )

    def get_lookup(self, lookup_name: str) -> Any:
        # Pattern lookups (contains, startswith…) and transforms (lower…) skip get_prep_value and
        # would quietly search ciphertext, sending the search text to the database as they go.
        if lookup_name not in _LOOKUPS_ON_SEALED_VALUES:
            raise TypeError(self._unsearchable(f"__{lookup_name}"))
        return super().get_lookup(lookup_name)

    def get_transform(self, lookup_name: str) -> Any:
        raise TypeError(self._unsearchable(f"__{lookup_name}"))

    def _unsearchable(self, what: str) -> str:
        return (
            f"{self.model.__name__}.{self.name} is encrypted: the database cannot search it "
            f"({what}). Search an unencrypted field, or filter in Python after opening."
        )

    def value_to_string(self, obj: models.Model) -> str:
        return str(getattr(obj, self.attname) or "")


def encrypted_fields(model: type[models.Model]) -> list[EncryptedTextField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
