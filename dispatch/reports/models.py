from django.db import models
from django.utils.translation import gettext_lazy as _


class MonthlyReport(models.Model):
    """The department's monthly service report (月度服务报告), as generated on schedule or on demand."""

    month = models.DateField(_("month"), unique=True, help_text=_("The first day of the month reported."))
    generated_at = models.DateTimeField(_("generated at"), auto_now=True)
    kpis = models.JSONField(_("KPIs"), default=dict)
    pdf = models.BinaryField(_("PDF"))
    xlsx = models.BinaryField(_("XLSX"))

    class Meta:
        verbose_name = _("monthly service report")
        verbose_name_plural = _("monthly service reports")
        ordering = ["-month"]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}"
