"""Every rule about keeping and removing personal data.

* ``anonymise_expired(now)``: run daily by the django-q2 schedule "Anonimizacja danych osobowych"
  (``forms.privacy.tasks.anonymise_expired_personal_data``); anonymises what is past the retention period of
  its page: workshops from the end of the last session, consultations from their end, working-group
  sign-ups from the end of the sign-up, survey answers from their own submission.
* ``find(email, phone=...)`` / ``export(...)`` / ``erase(..., user=...)``: everything held about one
  address or phone number (people who signed up by phone have no address), for a request under
  GDPR Art. 15, 17 and 20.

Anonymising replaces names, e-mail addresses, phone numbers and free text, deletes attachments and
blanks the addresses of the outbox messages about those records; it keeps the rows with their
statuses, sessions, areas and assessments, so counts and the consultation report survive. It is
idempotent: a record is anonymised once (``anonymised_at``; surveys mark ``form_data``).
"""

import hashlib
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from wagtail.contrib.forms.models import FormSubmission
from wagtail.log_actions import log
from wagtail.models import ModelLogEntry

from ..consultations.models import ConsultationPage, ConsultationSubmission
from ..phones import phone_key
from ..surveys.models import SurveyPage
from ..working_groups.models import WorkingGroupSignup, WorkingGroupSignupPage
from ..workshops import services as workshop_services
from ..workshops.models import Registration, WorkshopPage, WorkshopSubmission
from .models import PersonalDataRequest

ANONYMISED_NAME = "[dane usunięte]"
ANONYMISED_MARKER = "_anonymised_at"
# Form-builder fields whose answers can identify a person; choices, numbers and dates are kept for counts.
PERSONAL_FIELD_TYPES = frozenset({"singleline", "multiline", "email", "url", "hidden"})

ANONYMISE_ACTION = "strategy_forms.anonymise"
EXPORT_ACTION = "strategy_forms.personal_data_export"
ERASE_ACTION = "strategy_forms.personal_data_erase"


def anonymous_email(prefix, pk):
    """Unique per record (the active-registration constraint is per e-mail), never deliverable."""
    return f"anonimizowano-{prefix}{pk}@invalid"


def email_hash(email):
    return hashlib.sha256(normalise_email(email).encode()).hexdigest()


def person_hash(email="", phone=""):
    """What a request register row keeps of the person: the hash of the address, else of "tel:<digits>"."""
    email = normalise_email(email)
    return email_hash(email) if email else hashlib.sha256(f"tel:{phone_key(phone)}".encode()).hexdigest()


def normalise_email(email):
    return (email or "").strip().lower()


# Anonymising one kind of record ----------------------------------------------------------------


def _text_field_keys(page, key_function=None):
    """Keys in ``form_data`` of the page's form-builder fields that hold free text."""
    keys = set()
    for form_field in page.get_form_fields():
        if form_field.field_type in PERSONAL_FIELD_TYPES:
            name = form_field.clean_name or form_field.get_field_clean_name()
            keys.add(key_function(form_field) if key_function else name)
    return keys


def _anonymised_form_data(form_data, text_keys, known_keys):
    """Free-text answers blanked; answers of removed fields (unknown type) blanked when they are text."""
    result = {}
    for key, value in (form_data or {}).items():
        if key in text_keys or (key not in known_keys and isinstance(value, str)):
            result[key] = ""
        else:
            result[key] = value
    return result


def _form_keys(page, key_function=None):
    fields = list(page.get_form_fields())
    known = {key_function(f) if key_function else (f.clean_name or f.get_field_clean_name()) for f in fields}
    return _text_field_keys(page, key_function), known


def _relabel_log_entries(instance):
    """Wagtail log entries keep the object's label from when they were written; refresh it."""
    ModelLogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(type(instance)), object_id=str(instance.pk)
    ).update(label=str(instance)[:255])


def _anonymise_registrations(registrations, now):
    done = []
    keys_by_page = {}
    for registration in registrations.select_related("page").select_for_update(of=("self",)):
        if registration.page_id not in keys_by_page:
            page = registration.page.specific
            keys_by_page[registration.page_id] = _form_keys(page, page.form_builder.field_key)
        text_keys, known = keys_by_page[registration.page_id]
        registration.full_name = ANONYMISED_NAME
        registration.email = anonymous_email("r", registration.pk)
        registration.phone = ""
        registration.form_data = _anonymised_form_data(registration.form_data, text_keys, known)
        registration.anonymised_at = now
        registration.save(update_fields=["full_name", "email", "phone", "form_data", "anonymised_at"])
        _relabel_log_entries(registration)
        done.append(registration.pk)
    _blank_notifications(Registration, done)
    # The one confirmation and staff message of a form post are about its submission, not a registration.
    submission_ids = set(Registration.objects.filter(pk__in=done, submission__isnull=False)
                         .values_list("submission_id", flat=True))
    _blank_notifications(WorkshopSubmission, submission_ids)
    return len(done)


def _anonymise_signups(signups, now):
    done = []
    for signup in signups.select_related("group").select_for_update(of=("self",)):
        signup.full_name = ANONYMISED_NAME
        signup.email = anonymous_email("g", signup.pk)
        signup.phone = signup.motivation = ""
        signup.form_data = {}
        signup.anonymised_at = now
        # The channel, the dates and who entered it are kept: not the person's data. ``phone_key`` goes with phone.
        signup.save(update_fields=["full_name", "email", "phone", "motivation", "form_data", "anonymised_at"])
        _relabel_log_entries(signup)
        done.append(signup.pk)
    _blank_notifications(WorkingGroupSignup, done)
    return len(done)


def _anonymise_submissions(submissions, now):
    """Consultation submissions: the person and the free text go; reference, area, whom the person
    represents, title, status and assessment (the public report) stay."""
    done = []
    for submission in submissions.select_for_update(of=("self",)):
        if submission.attachment:
            name = submission.attachment.name
            # After the commit: a rolled-back erasure must not have lost the file.
            storage = submission.attachment.storage
            transaction.on_commit(lambda storage=storage, name=name: storage.delete(name))
        submission.full_name = ANONYMISED_NAME
        submission.email = anonymous_email("k", submission.pk)
        submission.phone = submission.content = submission.place = submission.late_reason = ""
        submission.attachment = ""
        submission.attachment_name = submission.attachment_content_type = ""
        submission.form_data = {}
        submission.anonymised_at = now
        submission.save(update_fields=[
            "full_name", "email", "phone", "content", "place", "late_reason", "attachment", "attachment_name",
            "attachment_content_type", "form_data", "anonymised_at",
        ])
        _relabel_log_entries(submission)
        done.append(submission.pk)
    _blank_notifications(ConsultationSubmission, done)
    return len(done)


def _anonymise_survey_answers(submissions, now):
    done = []
    keys_by_page = {}
    for submission in submissions.select_related("page").select_for_update(of=("self",)):
        if ANONYMISED_MARKER in (submission.form_data or {}):
            continue
        if submission.page_id not in keys_by_page:
            keys_by_page[submission.page_id] = _form_keys(submission.page.specific)
        text_keys, known = keys_by_page[submission.page_id]
        submission.form_data = {
            **_anonymised_form_data(submission.form_data, text_keys, known), ANONYMISED_MARKER: now.isoformat()
        }
        submission.save(update_fields=["form_data"])
        done.append(submission.pk)
    _blank_notifications(FormSubmission, done)
    return len(done)


def _blank_notifications(model, ids):
    """Outbox rows about anonymised records: no addresses left, and nothing still to be sent."""
    if not ids:
        return 0
    from notifications.models import Notification

    rows = Notification.objects.filter(content_type=ContentType.objects.get_for_model(model), object_id__in=ids)
    return _blank(rows)


def _blank(rows):
    from notifications.models import Notification

    rows.filter(status__in=Notification.PENDING_STATUSES).update(status=Notification.Status.SKIPPED)
    return rows.update(recipients="", subject="")


# Retention --------------------------------------------------------------------------------------


@dataclass
class RetentionReport:
    registrations: int = 0
    signups: int = 0
    submissions: int = 0
    survey_answers: int = 0
    pages: list = field(default_factory=list)

    @property
    def total(self):
        return self.registrations + self.signups + self.submissions + self.survey_answers


def _expired(end, page, now):
    return end is not None and end + page.retention_period <= now


def expired_pages(now=None):
    """Form pages whose retention period has passed: (workshops, consultations, sign-up pages)."""
    now = now or timezone.now()
    workshops = [
        page for page in WorkshopPage.objects.annotate(last_end=Max("sessions__ends_at"))
        if _expired(page.last_end, page, now)
    ]
    consultations = [page for page in ConsultationPage.objects.all() if _expired(page.ends_at, page, now)]
    signup_pages = [page for page in WorkingGroupSignupPage.objects.all() if _expired(page.signup_closes_at, page, now)]
    return workshops, consultations, signup_pages


def anonymise_expired(now=None):
    """Anonymise every record past its page's retention period; returns a ``RetentionReport``.

    One transaction per page, so a failure leaves the other pages done; each page with changes
    gets a Wagtail log entry (counts only)."""
    now = now or timezone.now()
    report = RetentionReport()
    workshops, consultations, signup_pages = expired_pages(now)
    for page in workshops:
        with transaction.atomic():
            count = _anonymise_registrations(Registration.objects.filter(page=page, anonymised_at__isnull=True), now)
            _log_retention(page, count, "registrations")
        report.registrations += count
    for page in consultations:
        with transaction.atomic():
            count = _anonymise_submissions(
                ConsultationSubmission.objects.filter(page=page, anonymised_at__isnull=True), now
            )
            _log_retention(page, count, "consultation_submissions")
        report.submissions += count
    for page in signup_pages:
        with transaction.atomic():
            count = _anonymise_signups(WorkingGroupSignup.objects.filter(page=page, anonymised_at__isnull=True), now)
            _log_retention(page, count, "working_group_signups")
        report.signups += count
    for page in SurveyPage.objects.all():
        with transaction.atomic():
            answers = FormSubmission.objects.filter(
                page=page, submit_time__lte=now - page.retention_period
            ).exclude(form_data__has_key=ANONYMISED_MARKER)
            count = _anonymise_survey_answers(answers, now)
            _log_retention(page, count, "survey_answers")
        report.survey_answers += count
    return report


def _log_retention(page, count, what):
    if count:
        log(instance=page, action=ANONYMISE_ACTION, data={"what": what, "records": count,
                                                          "retention_days": page.retention_period.days})


# One person's data ------------------------------------------------------------------------------


@dataclass
class PersonalData:
    """What is held about one person, found by e-mail address and/or phone number (``phone`` holds its digits).

    ``in_text``: other records whose free text (answers, motivations, submissions) mentions the address
    or the number — shown as "found in text", exported, and redacted on erasure."""

    email: str
    registrations: list
    signups: list
    submissions: list
    survey_answers: list
    notifications: list
    phone: str = ""
    in_text: list = field(default_factory=list)

    def counts(self):
        return {
            "registrations": len(self.registrations),
            "working_group_signups": len(self.signups),
            "consultation_submissions": len(self.submissions),
            "survey_answers": len(self.survey_answers),
            "notifications": len(self.notifications),
            "found_in_text": len(self.in_text),
        }

    @property
    def total(self):
        return sum(self.counts().values())


REDACTED = "[usunięto]"


def _mentions(value, email="", phone_digits=""):
    """Whether a form answer (text, list or mapping of them) is the address or the phone number."""
    if isinstance(value, str):
        return bool(email and value.strip().lower() == email) or bool(phone_digits and phone_key(value) == phone_digits)
    if isinstance(value, list | tuple):
        return any(_mentions(item, email, phone_digits) for item in value)
    if isinstance(value, dict):
        return any(_mentions(item, email, phone_digits) for item in value.values())
    return False


# Shorter digit strings (a house number, a year) are not taken for a phone number.
MIN_PHONE_DIGITS = 7
_PHONE_SEPARATORS = r"[\s().\-/]*"


def _phone_pattern(digits):
    """A regular expression finding the number in free text however it is written (spaces, dashes, with or
    without the +48 / 0048 country code); ``digits`` is the number's ``phone_key``."""
    import re

    prefix = r"(?:(?:\+|00)?48" + _PHONE_SEPARATORS + r")?"
    return re.compile(r"(?<![\d+])" + prefix + _PHONE_SEPARATORS.join(re.escape(d) for d in digits) + r"(?!\d)")


def _text_matcher(email="", digits=""):
    """A function telling whether a text mentions the address (without letter case) or the number (its digits)."""
    pattern = _phone_pattern(digits) if digits else None
    needle = normalise_email(email) if email else ""

    def matches(text):
        if not text:
            return False
        text = str(text)
        return bool(needle and needle in text.lower()) or bool(pattern and pattern.search(text))

    return matches


def _texts(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _texts(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _texts(item)


def _free_texts(record):
    """(kind, the record's free texts) for the "found in text" search."""
    if isinstance(record, WorkingGroupSignup):
        return "working_group_signup", [record.motivation]
    if isinstance(record, ConsultationSubmission):
        return "consultation_submission", [record.title, record.content, record.place]
    if isinstance(record, Registration):
        return "workshop_registration", list(_texts(record.form_data))
    return "survey_answer", list(_texts(record.form_data))


def _found_in_text(email, digits, already):
    """Records not held under the person's address or number whose free text mentions it."""
    if not email and not digits:
        return []
    matches = _text_matcher(email, digits)
    seen = {(type(record), record.pk) for record in already}
    found = []
    candidates = [
        Registration.objects.select_related("session", "page"),
        WorkingGroupSignup.objects.select_related("group", "page"),
        ConsultationSubmission.objects.select_related("area", "page"),
        FormSubmission.objects.filter(page_id__in=SurveyPage.objects.values_list("pk", flat=True))
        .select_related("page"),
    ]
    for queryset in candidates:
        for record in queryset.order_by("pk").iterator():
            if (type(record), record.pk) not in seen and any(matches(text) for text in _free_texts(record)[1]):
                found.append(record)
    return found


# Shorter digit strings (a house number, a year) are not taken for a phone number.
MIN_PHONE_DIGITS = 7


def find(email="", phone=""):
    """Every record held about ``email`` (compared without letter case) or ``phone`` (compared by its
    digits, so "600 100 200" finds "600-100-200" and "+48 600100200"); with both, records of either."""
    email = normalise_email(email)
    digits = phone_key(phone)
    if len(digits) < MIN_PHONE_DIGITS:
        digits = ""
    if not email and not digits:
        return PersonalData(email, [], [], [], [], [], phone="")
    from notifications.models import Notification

    def by_contact(queryset):
        condition = Q(pk__in=[])
        if email:
            condition |= Q(email__iexact=email)
        if digits:
            condition |= Q(phone_key=digits)
        return queryset.filter(condition)

    registrations = Registration.objects.select_related("session", "page").order_by("pk")
    found = list(registrations.filter(email__iexact=email)) if email else []
    if digits:
        known = {registration.pk for registration in found}
        # Registrations keep the number as typed: compared by its digits.
        found += [r for r in registrations.exclude(phone="") if r.pk not in known and phone_key(r.phone) == digits]
        found.sort(key=lambda registration: registration.pk)
    signups = list(by_contact(WorkingGroupSignup.objects.select_related("group", "page")).order_by("pk"))
    submissions = list(
        by_contact(ConsultationSubmission.objects.select_related("area", "page", "assessment")).order_by("pk")
    )

    survey_pages = SurveyPage.objects.values_list("pk", flat=True)
    answers = FormSubmission.objects.filter(page_id__in=survey_pages).select_related("page").order_by("pk")
    if not digits:
        answers = answers.filter(form_data__icontains=email)
    survey_answers = [submission for submission in answers if _mentions(submission.form_data, email, digits)]

    notifications = []
    if email:
        notifications = [
            notification
            for notification in Notification.objects.filter(recipients__icontains=email).order_by("pk")
            if email in [address.lower() for address in notification.recipient_list]
        ]
    if digits:
        # A person without e-mail got no message; the staff's messages about their records name them.
        known = {notification.pk for notification in notifications}
        about = Q(pk__in=[])
        for model, records in ((Registration, found), (WorkingGroupSignup, signups),
                               (ConsultationSubmission, submissions)):
            if records:
                about |= Q(content_type=ContentType.objects.get_for_model(model),
                           object_id__in=[record.pk for record in records])
        notifications += [n for n in Notification.objects.filter(about).order_by("pk") if n.pk not in known]
        notifications.sort(key=lambda notification: notification.pk)
    data = PersonalData(
        email=email,
        phone=digits,
        registrations=found,
        signups=signups,
        submissions=submissions,
        survey_answers=survey_answers,
        notifications=notifications,
    )
    data.in_text = _found_in_text(email, digits, data.registrations + data.signups + data.submissions + survey_answers)
    return data


def _redact(value, email="", digits=""):
    """``value`` with every mention of the address or the number replaced by ``REDACTED`` (strings inside
    lists and dicts too)."""
    import re

    if isinstance(value, str):
        if digits:
            value = _phone_pattern(digits).sub(REDACTED, value)
        if email:
            value = re.sub(re.escape(normalise_email(email)), REDACTED, value, flags=re.IGNORECASE)
        return value
    if isinstance(value, list | tuple):
        return [_redact(item, email, digits) for item in value]
    if isinstance(value, dict):
        return {key: _redact(item, email, digits) for key, item in value.items()}
    return value


def _redact_mentions(records, email="", digits=""):
    for record in records:
        if isinstance(record, WorkingGroupSignup):
            record.motivation = _redact(record.motivation, email, digits)
            record.save(update_fields=["motivation"])
        elif isinstance(record, ConsultationSubmission):
            record.title, record.content, record.place = (_redact(record.title, email, digits),
                                                          _redact(record.content, email, digits),
                                                          _redact(record.place, email, digits))
            record.save(update_fields=["title", "content", "place"])
        else:  # registrations and survey answers: the answers
            record.form_data = _redact(record.form_data, email, digits)
            record.save(update_fields=["form_data"])


def _in_text_entry(record, email="", digits=""):
    kind, texts = _free_texts(record)
    matches = _text_matcher(email, digits)
    return {"kind": kind, "id": record.pk, "page": record.page.title, "texts": [t for t in texts if matches(t)]}


def _instant(moment):
    return timezone.localtime(moment).isoformat() if moment else None


def as_json_data(data):
    """The person's data as JSON-serialisable structures (GDPR Art. 15 and 20)."""
    return {
        "email": data.email,
        "phone": data.phone,
        "generated_at": _instant(timezone.now()),
        "workshop_registrations": [
            {
                "id": r.pk, "workshop": r.page.title, "session": r.session.title,
                "session_starts_at": _instant(r.session.starts_at), "full_name": r.full_name, "email": r.email,
                "phone": r.phone, "status": r.status, "source": r.source, "attended": r.attended,
                "answers": r.form_data, "submitted_at": _instant(r.submit_time),
                "cancelled_at": _instant(r.cancelled_at),
            }
            for r in data.registrations
        ],
        "working_group_signups": [
            {
                "id": s.pk, "page": s.page.title, "group": s.group.name, "full_name": s.full_name, "email": s.email,
                "phone": s.phone, "represents": s.represents, "motivation": s.motivation, "status": s.status,
                "channel": s.channel, "received_at": _instant(s.arrived_at), "notice_delivery": s.notice_delivery,
                "submitted_at": _instant(s.submit_time),
            }
            for s in data.signups
        ],
        "consultation_submissions": [
            {
                "id": s.pk, "reference": s.reference, "consultation": s.page.title, "full_name": s.full_name,
                "email": s.email, "phone": s.phone, "represents": s.represents, "area": s.area.name,
                "title": s.title, "content": s.content, "place": s.place, "attachment": s.attachment_name,
                "status": s.status, "channel": s.channel, "received_at": _instant(s.arrived_at),
                "posted_on": s.posted_on.isoformat() if s.posted_on else None, "notice_delivery": s.notice_delivery,
                "submitted_at": _instant(s.submit_time),
            }
            for s in data.submissions
        ],
        "survey_answers": [
            {"id": s.pk, "survey": s.page.title, "answers": s.form_data, "submitted_at": _instant(s.submit_time)}
            for s in data.survey_answers
        ],
        "notifications": [
            {"id": n.pk, "kind": n.kind, "subject": n.subject, "status": n.status, "created_at": _instant(n.created_at),
             "sent_at": _instant(n.sent_at)}
            for n in data.notifications
        ],
        # Other people's records whose free text mentions the address or number (only those texts).
        "found_in_text": [_in_text_entry(record, data.email, data.phone) for record in data.in_text],
    }


def _record_request(action, data, user):
    with transaction.atomic():
        request = PersonalDataRequest.objects.create(
            action=action, email_hash=person_hash(data.email, data.phone), records=data.counts(), requested_by=user
        )
        log(instance=request, action=EXPORT_ACTION if action == PersonalDataRequest.Action.EXPORT else ERASE_ACTION,
            user=user, data={"email_sha256": request.email_hash, "records": request.records})
    return request


def export(email="", *, user, phone=""):
    """Everything held about ``email`` or ``phone`` as JSON data; the export is recorded and logged (hash only)."""
    data = find(email, phone)
    _record_request(PersonalDataRequest.Action.EXPORT, data, user)
    return as_json_data(data)


def erase(email="", *, user, phone="", now=None):
    """Erase everything held about ``email`` or ``phone`` on the person's request, in one transaction.

    Places the person still holds in sessions to come are cancelled through the registration
    service first (the first waiter is promoted); then every record is anonymised like at the end
    of the retention period. Returns the ``PersonalDataRequest`` (counts, no address)."""
    now = now or timezone.now()
    with transaction.atomic():
        data = find(email, phone)
        for registration in data.registrations:
            if registration.status in Registration.ACTIVE_STATUSES and registration.session.ends_at > now:
                workshop_services.cancel(registration, by_staff=True, now=now)
        _anonymise_registrations(Registration.objects.filter(pk__in=[r.pk for r in data.registrations]), now)
        _anonymise_signups(WorkingGroupSignup.objects.filter(pk__in=[s.pk for s in data.signups]), now)
        _anonymise_submissions(ConsultationSubmission.objects.filter(pk__in=[s.pk for s in data.submissions]), now)
        _anonymise_survey_answers(FormSubmission.objects.filter(pk__in=[s.pk for s in data.survey_answers]), now)
        _redact_mentions(data.in_text, data.email, data.phone)
        from notifications.models import Notification

        # Messages about other records that were sent to the address (and the cancellation just queued).
        _blank(Notification.objects.filter(pk__in=[n.pk for n in data.notifications]))
        if data.email:
            _blank(Notification.objects.filter(recipients__iexact=data.email))
        return _record_request(PersonalDataRequest.Action.ERASE, data, user)
