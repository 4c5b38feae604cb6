"""allauth adapters: no open signup, and MFA secrets sealed with Frame's key ring."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from django.http import HttpRequest

from frame.lib import crypto

MFA_CONTEXT = "allauth.mfa.authenticator"


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # Staff join through the setup link or an owner's invitation, never by signing up.
        return False


class MFAAdapter(DefaultMFAAdapter):
    def encrypt(self, text: str) -> str:
        return crypto.seal(text, context=MFA_CONTEXT)

    def decrypt(self, encrypted_text: str) -> str:
        return crypto.open_sealed(encrypted_text, context=MFA_CONTEXT)
