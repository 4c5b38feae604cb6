"""Route Django admin's login through allauth, so the admin gets the same rate limits and MFA."""

from allauth.account.decorators import secure_admin_login

__all__ = ["secure_admin_login"]
