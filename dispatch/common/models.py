from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class AppendOnlyError(RuntimeError):
    pass


class AppendOnlyModel(models.Model):
    """A record of something that happened: written once, never edited or deleted through the ORM."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise AppendOnlyError(f"{type(self).__name__} rows are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(f"{type(self).__name__} rows are append-only")


class AuditEvent(AppendOnlyModel):
    """Who did what to which record, when and why: the department's audit trail of personal data."""

    class Action(models.TextChoices):
        CREATE = "create", _("Created")
        UPDATE = "update", _("Updated")
        DELETE = "delete", _("Deleted")
        VIEW = "view", _("Viewed")
        EXPORT = "export", _("Exported")
        LOGIN = "login", _("Signed in")
        LOGIN_FAILED = "login_failed", _("Sign-in failed")

    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("actor"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    content_type = models.ForeignKey(ContentType, verbose_name=_("record type"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    object_id = models.CharField(_("record id"), max_length=64, blank=True)
    object_repr = models.CharField(_("record"), max_length=200, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    reason = models.CharField(_("reason"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.action} {self.object_repr}"


class IdempotencyRecord(models.Model):
    """The answer given to a request carrying an Idempotency-Key, replayed when the same key comes again.

    A phone replaying its offline queue sends each action with the key it made when the action was taken, so a
    replay after a lost response never records the same completion or photo twice.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE,
                             related_name="+")
    key = models.CharField(_("idempotency key"), max_length=80)
    request_fingerprint = models.CharField(_("request"), max_length=300)
    status_code = models.PositiveSmallIntegerField(_("response status"))
    response = models.JSONField(_("response body"), default=dict)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("idempotency record")
        verbose_name_plural = _("idempotency records")
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="one_response_per_key")]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.key}"
