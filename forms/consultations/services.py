"""Every rule about public consultations: submitting, moderating, assessing and the public report.

The consultation page, the admin views and the demo call these functions; each public function
that writes is one database transaction and leaves a Wagtail log entry. Who may see what:

* moderators (permission ``moderate_consultation_submissions``; superusers) see every submission,
  with personal data and attachment, and moderate it;
* reviewers (members of a working group's permission group) see only accepted submissions of their
  group's thematic area and record the group's assessment;
* the public report shows accepted, assessed submissions without any personal data.
"""

import csv
import io
import os
import warnings
from dataclasses import dataclass, field
from uuid import uuid4

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError
from wagtail.log_actions import log

from ..exceptions import RegistrationError
from ..privacy.exports import FORMULA_PREFIXES, neutralise_text  # noqa: F401
from ..working_groups.models import WorkingGroup
from . import messages
from .models import Assessment, ConsultationSubmission, Trend

Status = ConsultationSubmission.Status
Recommendation = Assessment.Recommendation

MODERATE_PERMISSION = "strategy_forms.moderate_consultation_submissions"
DEFAULT_ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024

# Accepted attachment types, recognised by their first bytes (never by the name or the browser's claim).
ATTACHMENT_SIGNATURES = (
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
)
TREND_MAX_LENGTH = 100


class ConsultationError(RegistrationError):
    message = _("The consultation submission could not be saved.")


class ConsultationClosed(ConsultationError):
    message = _("The consultation is not open at the moment.")

    @classmethod
    def for_page(cls, page, now):
        when = formats.date_format(timezone.localtime(page.starts_at if now < page.starts_at else page.ends_at),
                                   "j E Y, H:i")
        if now < page.starts_at:
            return cls(_("The consultation has not started yet: submissions are accepted from %(date)s.")
                       % {"date": when})
        return cls(_("The consultation ended on %(date)s: submissions are no longer accepted.") % {"date": when})


class AttachmentRejected(ConsultationError):
    message = _("The attachment must be a PDF file or an image (JPEG or PNG).")


class ModerationError(ConsultationError):
    message = _("The submission could not be moderated.")


class AssessmentError(ConsultationError):
    message = _("The assessment could not be saved.")


# Attachments ---------------------------------------------------------------------------------


def attachment_max_bytes():
    return getattr(settings, "CONSULTATION_ATTACHMENT_MAX_BYTES", DEFAULT_ATTACHMENT_MAX_BYTES)


def detect_attachment_type(upload):
    """(content type, extension) from the file's first bytes, or None for anything not accepted."""
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    for signature, content_type, extension in ATTACHMENT_SIGNATURES:
        if head.startswith(signature):
            return content_type, extension
    return None


def check_attachment(upload):
    """Raise ``AttachmentRejected`` for a file that is too large or not a real PDF/JPEG/PNG."""
    limit = attachment_max_bytes()
    if upload.size > limit:
        raise AttachmentRejected(
            _("The attachment is too large (%(size)s). The limit is %(limit)s.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)}
        )
    detected = detect_attachment_type(upload)
    if detected is None:
        raise AttachmentRejected()
    if detected[0].startswith("image/"):
        try:
            with warnings.catch_warnings():
                # A picture of more pixels than Pillow's limit is a decompression bomb, not a photo.
                warnings.simplefilter("error", Image.DecompressionBombWarning)
                with Image.open(upload) as image:
                    image.verify()
        except (
            UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning, OSError,
            SyntaxError, ValueError,
        ) as exc:
            raise AttachmentRejected(_("The image file is damaged or not really an image.")) from exc
        finally:
            upload.seek(0)
    return detected


# Submitting ----------------------------------------------------------------------------------


def attachment_download_name(submission):
    """The name a staff member downloads an attachment under: the person's name for it, with the extension
    of the type detected from its content ("poly.html" that is a PDF is served as "poly.pdf")."""
    stored_extension = os.path.splitext(submission.attachment.name)[1]
    stem = os.path.splitext(os.path.basename(submission.attachment_name or ""))[0]
    stem = stem or submission.reference or "zalacznik"
    return f"{stem}{stored_extension}"


def reference_number(submission):
    """Unique because it is built from the primary key: KS-2025-000123."""
    year = timezone.localtime(submission.submit_time).year
    return f"KS-{year}-{submission.pk:06d}"


def submit(page, *, full_name, email, represents, area, title, content, place="", phone="", attachment=None,
           now=None):
    """Store a consultation submission with its reference number and queue the receipt.

    Raises ``ConsultationClosed`` outside the consultation period and ``AttachmentRejected`` for a
    wrong attachment (the form checks it first, with the same function).
    """
    now = now or timezone.now()
    if not page.is_open(now):
        raise ConsultationClosed.for_page(page, now)
    submission = ConsultationSubmission(
        page=page, form_data={}, full_name=full_name.strip(), email=email.strip().lower(), phone=phone.strip(),
        represents=represents, area=area, title=title.strip(), content=content.strip(), place=place.strip(),
    )
    try:
        with transaction.atomic():
            if attachment:
                content_type, extension = check_attachment(attachment)
                submission.attachment_name = os.path.basename(attachment.name or "")[:255]
                submission.attachment_content_type = content_type
                # A random name: the person's file name never becomes a path.
                submission.attachment.save(f"{uuid4().hex}.{extension}", attachment, save=False)
            submission.save()
            submission.reference = reference_number(submission)
            submission.save(update_fields=["reference"])
            log(submission, "wagtail.create")
            messages.queue_submission_received(submission)
    except BaseException:
        if submission.attachment:
            submission.attachment.delete(save=False)
        raise
    return submission


# Who may see and do what ---------------------------------------------------------------------


def can_moderate(user):
    return user.is_active and user.has_perm(MODERATE_PERMISSION)


def reviewer_area_ids(user):
    """Thematic areas whose submissions the user assesses, as a member of a working group's reviewers."""
    if not user.is_authenticated or not user.is_active:
        return set()
    return set(
        WorkingGroup.objects.filter(reviewers__user=user, area__isnull=False, merged_into__isnull=True)
        .values_list("area_id", flat=True)
    )


def is_reviewer(user):
    return bool(reviewer_area_ids(user))


def submissions_visible_to(user):
    submissions = ConsultationSubmission.objects.select_related("area", "page")
    if can_moderate(user):
        return submissions
    return submissions.filter(status=Status.ACCEPTED, area_id__in=reviewer_area_ids(user))


def can_view(user, submission):
    if can_moderate(user):
        return True
    return can_assess(user, submission)


def can_assess(user, submission):
    if submission.status != Status.ACCEPTED:
        return False
    return user.is_active and (user.is_superuser or submission.area_id in reviewer_area_ids(user))


# Moderating and assessing --------------------------------------------------------------------


def _locked(submission):
    return ConsultationSubmission.objects.select_for_update(of=("self",)).select_related("area").get(
        pk=submission.pk
    )


def moderate(submission, *, user, accept, reason="", area=None, now=None):
    """Accept a new submission for review or reject it as off-topic (a reason is required), optionally
    filing it under another thematic area. Returns the submission."""
    if not can_moderate(user):
        raise PermissionDenied
    now = now or timezone.now()
    reason = reason.strip()
    if not accept and not reason:
        raise ModerationError(_("Give the reason for rejecting the submission."))
    with transaction.atomic():
        submission = _locked(submission)
        if area is not None and area.pk != submission.area_id:
            _change_area(submission, area, user)
        status = Status.ACCEPTED if accept else Status.REJECTED
        if (status, reason if not accept else "") != (submission.status, submission.rejection_reason):
            previous = submission.status
            submission.status = status
            submission.rejection_reason = "" if accept else reason
            submission.moderated_at = now
            submission.save(update_fields=["status", "rejection_reason", "moderated_at"])
            action = "strategy_forms.submission_accept" if accept else "strategy_forms.submission_reject"
            data = {"previous_status": previous, "reason": submission.rejection_reason}
            log(submission, action, user=user, data=data)
    return submission


def assign_area(submission, area, *, user):
    if not can_moderate(user):
        raise PermissionDenied
    with transaction.atomic():
        submission = _locked(submission)
        if area.pk != submission.area_id:
            _change_area(submission, area, user)
    return submission


def _change_area(submission, area, user):
    previous = submission.area
    submission.area = area
    submission.save(update_fields=["area"])
    log(submission, "strategy_forms.submission_area", user=user, data={"from": previous.name, "to": area.name})


def parse_trends(text):
    """Trend names from a comma-separated text: trimmed, each once (ignoring letter case)."""
    names = {}
    for name in (text or "").split(","):
        name = " ".join(name.split())[:TREND_MAX_LENGTH]
        if name:
            names.setdefault(name.lower(), name)
    return list(names.values())


def assess(submission, *, user, recommendation, justification, trends=()):
    """Record (or change) the working group's assessment of an accepted submission of its area.

    ``trends`` are names; a trend new in the area is created. Raises ``PermissionDenied`` for a user
    who does not review the submission's area.
    """
    if recommendation not in Recommendation.values:
        raise AssessmentError(_("Choose a recommendation."))
    justification = justification.strip()
    if not justification:
        raise AssessmentError(_("Give the justification of the recommendation."))
    with transaction.atomic():
        submission = _locked(submission)
        if not can_assess(user, submission):
            raise PermissionDenied
        trend_objects = [_trend(submission.area, name) for name in trends]
        group = WorkingGroup.objects.filter(reviewers__user=user, area=submission.area).order_by("pk").first()
        assessment, created = Assessment.objects.update_or_create(
            submission=submission,
            defaults={"recommendation": recommendation, "justification": justification, "assessed_by": user,
                      "working_group": group},
        )
        assessment.trends.set(trend_objects)
        log(submission, "strategy_forms.submission_assess", user=user, data={
            "recommendation": recommendation, "trends": [trend.name for trend in trend_objects], "first": created,
        })
    return assessment


def _trend(area, name):
    trend = Trend.objects.filter(area=area, name__iexact=name).first()
    return trend or Trend.objects.create(area=area, name=name)


# The public report ---------------------------------------------------------------------------


@dataclass
class ReportRow:
    reference: str
    area: str
    represents: str
    title: str
    recommendation: str
    justification: str
    trends: list


@dataclass
class AreaReport:
    area: object
    rows: list = field(default_factory=list)
    trends: list = field(default_factory=list)  # (name, number of submissions)


@dataclass
class Report:
    areas: list
    received: int
    accepted: int
    rejected: int
    assessed: int


# Columns of the report, in the page and in the CSV: only what says nothing about the person.
REPORT_COLUMNS = (
    ("reference", _("Reference number")),
    ("area", _("Thematic area")),
    ("represents", _("Submitted by")),
    ("title", _("Title")),
    ("recommendation", _("Recommendation")),
    ("justification", _("Justification")),
    ("trends", _("Trends")),
)


def report(consultation):
    """Accepted and assessed submissions of ``consultation`` per area, with the trends named in each."""
    submissions = ConsultationSubmission.objects.filter(page=consultation)
    assessed = list(
        submissions.filter(status=Status.ACCEPTED, assessment__isnull=False)
        .select_related("area", "assessment")
        .prefetch_related("assessment__trends")
        .order_by("area__sort_order", "area__name", "pk")
    )
    areas = {}
    for submission in assessed:
        area_report = areas.setdefault(submission.area_id, AreaReport(submission.area))
        assessment = submission.assessment
        trends = sorted(trend.name for trend in assessment.trends.all())
        area_report.rows.append(
            ReportRow(
                reference=submission.reference,
                area=submission.area.name,
                represents=submission.represents,
                title=submission.title,
                recommendation=assessment.get_recommendation_display(),
                justification=assessment.justification,
                trends=trends,
            )
        )
    for area_report in areas.values():
        counts = {}
        for row in area_report.rows:
            for name in row.trends:
                counts[name] = counts.get(name, 0) + 1
        area_report.trends = sorted(counts.items(), key=lambda item: (-item[1], item[0].lower()))
    return Report(
        areas=list(areas.values()),
        received=submissions.count(),
        accepted=submissions.filter(status=Status.ACCEPTED).count(),
        rejected=submissions.filter(status=Status.REJECTED).count(),
        assessed=len(assessed),
    )


# The one neutralising function of every export (forms.privacy.exports); kept under this name for callers.
csv_safe = neutralise_text


def report_csv(consultation):
    """The report as CSV text (UTF-8 with BOM is added by the view, for spreadsheet programs)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([str(label) for _key, label in REPORT_COLUMNS])
    for area_report in report(consultation).areas:
        for row in area_report.rows:
            values = {**row.__dict__, "trends": ", ".join(row.trends)}
            writer.writerow([csv_safe(values[key]) for key, _label in REPORT_COLUMNS])
    return buffer.getvalue()


def page_tree_has_submissions(page):
    return ConsultationSubmission.objects.filter(page__path__startswith=page.path).exists()
