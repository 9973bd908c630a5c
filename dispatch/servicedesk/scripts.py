"""The guided scripts agents follow for each kind of call, and the safety advice read to a gas-leak caller."""

from django.utils.translation import gettext_lazy as _

from .models import RequestType

# Questions per request type: (key, question). The answers are kept on the request (script_answers).
SCRIPTS: dict[str, list[tuple[str, object]]] = {
    RequestType.GAS_LEAK: [
        ("smell_where", _("Where do you smell gas: inside, outside, in the stairwell?")),
        ("strength", _("How strong is the smell: faint, strong, very strong?")),
        ("people_inside", _("Is anyone still inside? Anyone unwell, dizzy or with a headache?")),
        ("valve_closed", _("Have you been able to close the valve at the meter?")),
        ("callback_phone", _("Which number can the emergency crew reach you on?")),
    ],
    RequestType.REPAIR: [
        ("appliance", _("Which appliance or pipe is affected?")),
        ("symptom", _("What happens: no flame, yellow flame, noise, water leaking?")),
        ("since", _("Since when?")),
        ("access", _("When is someone at home to let the technician in?")),
    ],
    RequestType.METER_COMPLAINT: [
        ("meter_no", _("What is the meter number on the plate?")),
        ("problem", _("What seems wrong: running with no appliance on, display blank, reading too high?")),
        ("last_reading", _("What does the meter show now?")),
    ],
    RequestType.RECONNECTION: [
        ("paid_on", _("When and how did you pay?")),
        ("receipt", _("Payment receipt number?")),
    ],
    RequestType.CONSULTATION: [
        ("topic", _("What would you like to know?")),
    ],
    RequestType.BILLING: [
        ("bill_month", _("Which bill (month) is it about?")),
        ("question", _("What looks wrong on the bill?")),
    ],
    RequestType.COMPLAINT: [
        ("what_happened", _("What happened, when and who was involved?")),
        ("job_number", _("Is there a work-order number or date of the visit?")),
        ("expectation", _("What would the customer like us to do?")),
    ],
    RequestType.SUGGESTION: [
        ("suggestion", _("What is the suggestion?")),
    ],
}

GAS_LEAK_ADVICE = [
    _("Do not switch any light or electrical appliance on or off, and do not use a phone inside."),
    _("Put out any flame; do not smoke or strike a match."),
    _("If it is safe, close the gas valve at the meter."),
    _("Open doors and windows."),
    _("Leave the building, keep others away, and wait outside for the emergency crew."),
    _("If the smell gets stronger or you hear a hiss, call us again from outside."),
]

OPENING = _("Good day, gas service hotline, agent %(name)s speaking. How can I help?")
CLOSING = _("Your request number is %(number)s. I will follow it until it is closed. Is there anything else?")
