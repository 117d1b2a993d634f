"""Every rule about keeping and removing personal data.

* ``anonymise_expired(now)``: run daily by the django-q2 schedule "Anonimizacja danych osobowych"
  (``forms.privacy.tasks.anonymise_expired_personal_data``); anonymises what is past the retention period of
  its page: workshops from the end of the last session, consultations from their end, working-group
  sign-ups from the end of the sign-up, survey answers from their own submission.
* ``find(email)`` / ``export(email)`` / ``erase(email, user=...)``: everything held about one
  address, for a request under GDPR Art. 15, 17 and 20.

Anonymising replaces names, e-mail addresses, phone numbers and free text, deletes attachments and
blanks the addresses of the outbox messages about those records; it keeps the rows with their
statuses, sessions, areas and assessments, so counts and the consultation report survive. It is
idempotent: a record is anonymised once (``anonymised_at``; surveys mark ``form_data``).
"""

import hashlib
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from wagtail.contrib.forms.models import FormSubmission
from wagtail.log_actions import log
from wagtail.models import ModelLogEntry

from ..consultations.models import ConsultationPage, ConsultationSubmission
from ..surveys.models import SurveyPage
from ..working_groups.models import WorkingGroupSignup, WorkingGroupSignupPage
from ..workshops import services as workshop_services
from ..workshops.models import Registration, WorkshopPage
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
    return len(done)


def _anonymise_signups(signups, now):
    done = []
    for signup in signups.select_related("group").select_for_update(of=("self",)):
        signup.full_name = ANONYMISED_NAME
        signup.email = anonymous_email("g", signup.pk)
        signup.phone = signup.motivation = ""
        signup.form_data = {}
        signup.anonymised_at = now
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
        submission.phone = submission.content = submission.place = ""
        submission.attachment = ""
        submission.attachment_name = submission.attachment_content_type = ""
        submission.form_data = {}
        submission.anonymised_at = now
        submission.save(update_fields=[
            "full_name", "email", "phone", "content", "place", "attachment", "attachment_name",
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
    """What is held about one person, found by e-mail address or phone number (``email`` is the query).

    ``in_text``: other records whose free text (answers, motivations, submissions) mentions the address
    or the number — shown as "found in text", exported, and redacted on erasure."""

    email: str
    registrations: list
    signups: list
    submissions: list
    survey_answers: list
    notifications: list
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


MIN_PHONE_DIGITS = 6
REDACTED = "[usunięto]"


def _mentions(value, email):
    if isinstance(value, str):
        return value.strip().lower() == email
    if isinstance(value, list | tuple):
        return any(_mentions(item, email) for item in value)
    if isinstance(value, dict):
        return any(_mentions(item, email) for item in value.values())
    return False


def phone_digits(value):
    return "".join(ch for ch in value or "" if ch.isdigit())


def is_phone_query(query):
    query = (query or "").strip()
    return "@" not in query and len(phone_digits(query)) >= MIN_PHONE_DIGITS


def _phone_pattern(digits):
    """A regular expression finding the number in free text however it is written (spaces, dashes…)."""
    import re

    return re.compile(r"(?<!\d)" + r"[\s().\-/]*".join(re.escape(d) for d in digits) + r"(?!\d)")


def _text_matcher(query):
    """A function telling whether a text mentions the query (an address, or a phone number's digits)."""
    if is_phone_query(query):
        pattern = _phone_pattern(phone_digits(query))
        return lambda text: bool(text) and bool(pattern.search(str(text)))
    needle = normalise_email(query)
    return lambda text: bool(text) and needle in str(text).lower()


def _texts(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _texts(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _texts(item)


def _by_phone(queryset, digits):
    return [row for row in queryset.exclude(phone="").order_by("pk") if phone_digits(row.phone) == digits]


def _found_in_text(query, already):
    """Records not held under the person's address or number whose free text mentions it."""
    matches = _text_matcher(query)
    seen = {(type(record), record.pk) for record in already}
    found = []
    candidates = [
        (Registration.objects.select_related("session", "page"), lambda r: list(_texts(r.form_data))),
        (WorkingGroupSignup.objects.select_related("group", "page"), lambda s: [s.motivation]),
        (ConsultationSubmission.objects.select_related("area", "page"), lambda s: [s.title, s.content, s.place]),
        (FormSubmission.objects.filter(page_id__in=SurveyPage.objects.values_list("pk", flat=True))
         .select_related("page"), lambda s: list(_texts(s.form_data))),
    ]
    for queryset, texts in candidates:
        for record in queryset.order_by("pk").iterator():
            if (type(record), record.pk) not in seen and any(matches(text) for text in texts(record)):
                found.append(record)
    return found


def find(query):
    """Every record held about a person, by e-mail address (without letter case) or phone number (by its
    digits), and every other record whose free text mentions it."""
    query = (query or "").strip()
    if is_phone_query(query):
        digits = phone_digits(query)
        data = PersonalData(
            email=query,
            registrations=_by_phone(Registration.objects.select_related("session", "page"), digits),
            signups=_by_phone(WorkingGroupSignup.objects.select_related("group", "page"), digits),
            submissions=_by_phone(ConsultationSubmission.objects.select_related("area", "page", "assessment"),
                                  digits),
            survey_answers=[], notifications=[],
        )
        data.in_text = _found_in_text(query, data.registrations + data.signups + data.submissions)
        return data
    email = normalise_email(query)
    if not email or "@" not in email:
        return PersonalData(email, [], [], [], [], [])
    from notifications.models import Notification

    survey_pages = SurveyPage.objects.values_list("pk", flat=True)
    survey_answers = [
        submission
        for submission in FormSubmission.objects.filter(page_id__in=survey_pages, form_data__icontains=email)
        .select_related("page").order_by("pk")
        if _mentions(submission.form_data, email)
    ]
    notifications = [
        notification
        for notification in Notification.objects.filter(recipients__icontains=email).order_by("pk")
        if email in [address.lower() for address in notification.recipient_list]
    ]
    data = PersonalData(
        email=email,
        registrations=list(
            Registration.objects.filter(email__iexact=email).select_related("session", "page").order_by("pk")
        ),
        signups=list(
            WorkingGroupSignup.objects.filter(email__iexact=email).select_related("group", "page").order_by("pk")
        ),
        submissions=list(
            ConsultationSubmission.objects.filter(email__iexact=email)
            .select_related("area", "page", "assessment").order_by("pk")
        ),
        survey_answers=survey_answers,
        notifications=notifications,
    )
    data.in_text = _found_in_text(email, data.registrations + data.signups + data.submissions + survey_answers)
    return data


def _redact(value, query):
    """``value`` with every mention of the query replaced by ``REDACTED`` (strings inside lists and dicts too)."""
    import re

    if isinstance(value, str):
        if is_phone_query(query):
            return _phone_pattern(phone_digits(query)).sub(REDACTED, value)
        return re.sub(re.escape(normalise_email(query)), REDACTED, value, flags=re.IGNORECASE)
    if isinstance(value, list | tuple):
        return [_redact(item, query) for item in value]
    if isinstance(value, dict):
        return {key: _redact(item, query) for key, item in value.items()}
    return value


def _redact_mentions(records, query):
    for record in records:
        if isinstance(record, WorkingGroupSignup):
            record.motivation = _redact(record.motivation, query)
            record.save(update_fields=["motivation"])
        elif isinstance(record, ConsultationSubmission):
            record.title, record.content, record.place = (_redact(record.title, query),
                                                          _redact(record.content, query),
                                                          _redact(record.place, query))
            record.save(update_fields=["title", "content", "place"])
        else:  # registrations and survey answers: the answers
            record.form_data = _redact(record.form_data, query)
            record.save(update_fields=["form_data"])


def _in_text_entry(record, query):
    if isinstance(record, WorkingGroupSignup):
        kind, texts = "working_group_signup", [record.motivation]
    elif isinstance(record, ConsultationSubmission):
        kind, texts = "consultation_submission", [record.title, record.content, record.place]
    elif isinstance(record, Registration):
        kind, texts = "workshop_registration", list(_texts(record.form_data))
    else:
        kind, texts = "survey_answer", list(_texts(record.form_data))
    matches = _text_matcher(query)
    return {"kind": kind, "id": record.pk, "page": record.page.title, "texts": [t for t in texts if matches(t)]}


def _instant(moment):
    return timezone.localtime(moment).isoformat() if moment else None


def as_json_data(data):
    """The person's data as JSON-serialisable structures (GDPR Art. 15 and 20)."""
    return {
        "email": data.email,
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
                "submitted_at": _instant(s.submit_time),
            }
            for s in data.signups
        ],
        "consultation_submissions": [
            {
                "id": s.pk, "reference": s.reference, "consultation": s.page.title, "full_name": s.full_name,
                "email": s.email, "phone": s.phone, "represents": s.represents, "area": s.area.name,
                "title": s.title, "content": s.content, "place": s.place, "attachment": s.attachment_name,
                "status": s.status, "submitted_at": _instant(s.submit_time),
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
        "found_in_text": [_in_text_entry(record, data.email) for record in data.in_text],
    }


def _record_request(action, email, data, user):
    with transaction.atomic():
        request = PersonalDataRequest.objects.create(
            action=action, email_hash=email_hash(email), records=data.counts(), requested_by=user
        )
        log(instance=request, action=EXPORT_ACTION if action == PersonalDataRequest.Action.EXPORT else ERASE_ACTION,
            user=user, data={"email_sha256": request.email_hash, "records": request.records})
    return request


def export(email, *, user):
    """Everything held about ``email`` as JSON data; the export is recorded and logged (hash only)."""
    data = find(email)
    _record_request(PersonalDataRequest.Action.EXPORT, data.email, data, user)
    return as_json_data(data)


def erase(email, *, user, now=None):
    """Erase everything held about ``email`` on the person's request, in one transaction.

    Places the person still holds in sessions to come are cancelled through the registration
    service first (the first waiter is promoted); then every record is anonymised like at the end
    of the retention period. Returns the ``PersonalDataRequest`` (counts, no address)."""
    now = now or timezone.now()
    with transaction.atomic():
        data = find(email)
        for registration in data.registrations:
            if registration.status in Registration.ACTIVE_STATUSES and registration.session.ends_at > now:
                workshop_services.cancel(registration, by_staff=True, now=now)
        _anonymise_registrations(Registration.objects.filter(pk__in=[r.pk for r in data.registrations]), now)
        _anonymise_signups(WorkingGroupSignup.objects.filter(pk__in=[s.pk for s in data.signups]), now)
        _anonymise_submissions(ConsultationSubmission.objects.filter(pk__in=[s.pk for s in data.submissions]), now)
        _anonymise_survey_answers(FormSubmission.objects.filter(pk__in=[s.pk for s in data.survey_answers]), now)
        _redact_mentions(data.in_text, data.email)
        from notifications.models import Notification

        # Messages about other records that were sent to the address (and the cancellation just queued).
        _blank(Notification.objects.filter(pk__in=[n.pk for n in data.notifications]))
        _blank(Notification.objects.filter(recipients__iexact=data.email))
        return _record_request(PersonalDataRequest.Action.ERASE, data.email, data, user)
