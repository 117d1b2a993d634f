"""Every rule about public consultations: submitting, moderating, assessing and the public report.

The consultation page, the admin views and the demo call these functions; each public function
that writes is one database transaction and leaves a Wagtail log entry. Who may see what:

* moderators (permission ``moderate_consultation_submissions``; superusers) see every submission,
  with personal data and attachment, and moderate it;
* reviewers (members of a working group's permission group) see only accepted submissions of their
  group's thematic area and record the group's assessment;
* the public report shows accepted, assessed submissions without any personal data.
"""

import json
import os
import warnings
from dataclasses import dataclass, field
from datetime import timedelta
from uuid import uuid4

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q
from django.template.defaultfilters import filesizeformat
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError
from wagtail.log_actions import log

from ..exceptions import RegistrationError
from ..phones import phone_key
from ..privacy.exports import FORMULA_PREFIXES, csv_text, neutralise_text  # noqa: F401
from ..privacy.models import DataProtectionNotice
from ..working_groups import services as working_groups
from ..working_groups.models import STAFF_CHANNELS, Channel, NoticeDelivery, WorkingGroup
from . import messages
from .models import Assessment, AssessmentVersion, ConsultationSubmission, Trend

Status = ConsultationSubmission.Status
Recommendation = Assessment.Recommendation

MODERATE_PERMISSION = "strategy_forms.moderate_consultation_submissions"
ADD_ACTION = "strategy_forms.submission_add"
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


class InvalidEntry(ConsultationError):
    message = _("The submission could not be entered: check the channel, the dates and the contact details.")


class ArrivedLate(ConsultationError):
    message = _(
        "The submission arrived after the consultation ended. It can be accepted only when it was posted "
        "before the end: give the date of posting and the reason."
    )


class DuplicateSubmission(ConsultationError):
    message = _("This submission has already been entered.")


class AttachmentRejected(ConsultationError):
    message = _("The attachment must be a PDF file or an image (JPEG or PNG).")


class ModerationError(ConsultationError):
    message = _("The submission could not be moderated.")


class AssessmentError(ConsultationError):
    message = _("The assessment could not be saved.")


class StaleAssessment(AssessmentError):
    """Someone saved a newer version since the form was opened: nothing is overwritten."""

    message = _("Someone saved a newer version of the assessment after you opened it, so yours has not been saved. "
                "Read the newer version below; your text is kept in the form: save again to replace it.")

    def __init__(self, current):
        super().__init__()
        self.current = current  # the newest AssessmentVersion


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
    submission = _new_submission(
        page, full_name=full_name, email=email, phone=phone, represents=represents, area=area, title=title,
        content=content, place=place, channel=Channel.ONLINE, received_at=now,
        notice_delivery=NoticeDelivery.WEB_FORM,
    )
    with _attachment_kept_only_on_success(submission), transaction.atomic():
        _save(submission, attachment)
        log(submission, "wagtail.create")
        messages.queue_submission_received(submission)
    return submission


def last_day_of_posting(page):
    """The last date a letter may be posted to count (the local date of the consultation's last moment)."""
    return timezone.localdate(page.ends_at - timedelta(microseconds=1))


def enter_submission(page, *, user, channel, received_at, notice_delivery, full_name, represents, area, title,
                     content, email="", phone="", place="", attachment=None, posted_on=None, late_reason="",
                     now=None):
    """A moderator enters a submission that arrived by e-mail, phone, on paper or in person.

    It counts when it reached the office (``received_at``) inside the consultation period, or, after
    the end, when it was posted on or before the last day (``posted_on``: under Polish practice the
    date of posting counts) and a reason is recorded. It gets its reference number and goes to
    moderation and the reviewers like any other. The person gets the usual receipt when they have an
    e-mail address; otherwise staff get a task to tell them the reference number by phone. The same
    submission (same person, same title) is not entered twice.
    """
    if not can_moderate(user):
        raise PermissionDenied
    now = now or timezone.now()
    email, phone, late_reason = email.strip().lower(), (phone or "").strip(), (late_reason or "").strip()
    if channel not in STAFF_CHANNELS:
        raise InvalidEntry(_("Choose how the submission arrived."))
    if notice_delivery not in NoticeDelivery.values:
        raise InvalidEntry(_("Choose how the person was given the data protection notice."))
    if received_at is None or received_at > now:
        raise InvalidEntry(_("The date of arrival cannot be in the future."))
    if not email and not phone_key(phone):
        raise InvalidEntry(_("Give the phone number or the e-mail address of the person."))
    if received_at < page.starts_at:
        raise ConsultationClosed(_("The submission arrived before the consultation started (%(date)s).")
                                 % {"date": formats.date_format(timezone.localtime(page.starts_at), "j E Y, H:i")})
    if posted_on is not None and posted_on > timezone.localdate(received_at):
        raise InvalidEntry(_("The date of posting cannot be later than the date of arrival."))
    late = received_at >= page.ends_at
    if late:
        last_day = last_day_of_posting(page)
        if posted_on is None or not late_reason:
            raise ArrivedLate()
        if posted_on > last_day:
            raise ArrivedLate(_("The submission was posted on %(posted)s, after the last day of the consultation "
                                "(%(last)s): it cannot be accepted.") % {
                "posted": formats.date_format(posted_on, "j E Y"), "last": formats.date_format(last_day, "j E Y"),
            })
    submission = _new_submission(
        page, full_name=full_name, email=email, phone=phone, represents=represents, area=area, title=title,
        content=content, place=place, channel=channel, received_at=received_at, notice_delivery=notice_delivery,
        entered_by=user, posted_on=posted_on, late_reason=late_reason,
    )
    with _attachment_kept_only_on_success(submission), transaction.atomic():
        duplicate = _same_submission(submission)
        if duplicate is not None:
            raise DuplicateSubmission(_("This submission has already been entered: %(reference)s.")
                                      % {"reference": duplicate.reference})
        _save(submission, attachment)
        log(submission, ADD_ACTION, user=user, data={
            "channel": channel, "received_at": received_at.isoformat(), "late": late,
            "posted_on": posted_on.isoformat() if posted_on else None, "notice_delivery": notice_delivery,
        })
        if email:
            messages.queue_submission_received(submission)
        else:
            messages.queue_submission_staff(submission)
            messages.queue_submission_phone_task(submission, user)
    return submission


def _new_submission(page, *, full_name, email, phone, title, content, place, **fields):
    return ConsultationSubmission(
        page=page, form_data={}, full_name=full_name.strip(), email=email.strip().lower(), phone=(phone or "").strip(),
        title=title.strip(), content=content.strip(), place=(place or "").strip(),
        data_protection_notice=DataProtectionNotice.for_page(page), **fields,
    )


def _same_submission(submission):
    """An earlier submission of the same consultation by the same person (e-mail or phone) with the same title."""
    same = ConsultationSubmission.objects.filter(page=submission.page, title__iexact=submission.title,
                                                 anonymised_at__isnull=True)
    if submission.email:
        same = same.filter(email=submission.email)
    else:
        same = same.filter(phone_key=phone_key(submission.phone))
    return same.order_by("pk").first()


class _attachment_kept_only_on_success:
    """Deletes the stored attachment when the transaction that should have kept it fails."""

    def __init__(self, submission):
        self.submission = submission

    def __enter__(self):
        return self.submission

    def __exit__(self, exc_type, exc, traceback):
        if exc_type is not None and self.submission.attachment:
            self.submission.attachment.delete(save=False)
        return False


def _save(submission, attachment):
    if attachment:
        content_type, extension = check_attachment(attachment)
        submission.attachment_name = os.path.basename(attachment.name or "")[:255]
        submission.attachment_content_type = content_type
        # A random name: the person's file name never becomes a path.
        submission.attachment.save(f"{uuid4().hex}.{extension}", attachment, save=False)
    submission.save()
    submission.reference = reference_number(submission)
    submission.save(update_fields=["reference"])


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


def assess(submission, *, user, recommendation, justification, trends=(), expected_version=None, now=None):
    """Record (or change) the working group's assessment of an accepted submission of its area.

    Every save is a new ``AssessmentVersion`` (kept: who, when, what). ``expected_version`` is the
    version the user's form was opened at (0: not assessed yet); when someone saved a newer one meanwhile,
    ``StaleAssessment`` is raised and nothing changes. The admin form always passes it; ``None`` (the demo
    content, scripts) skips the check. ``trends`` are names; a trend new in the area is created. Raises
    ``PermissionDenied`` for a user who does not review the submission's area.
    """
    if recommendation not in Recommendation.values:
        raise AssessmentError(_("Choose a recommendation."))
    justification = justification.strip()
    if not justification:
        raise AssessmentError(_("Give the justification of the recommendation."))
    now = now or timezone.now()
    with transaction.atomic():
        # The submission's row lock orders every save of its assessment: the version check below holds.
        submission = _locked(submission)
        if not can_assess(user, submission):
            raise PermissionDenied
        current = Assessment.objects.filter(submission=submission).first()
        current_version = current.version if current else 0
        if expected_version is not None and expected_version != current_version:
            raise StaleAssessment(current.versions.select_related("saved_by").get(number=current_version))
        trend_objects = [_trend(submission.area, name) for name in trends]
        group = WorkingGroup.objects.filter(reviewers__user=user, area=submission.area).order_by("pk").first()
        assessment, created = Assessment.objects.update_or_create(
            submission=submission,
            defaults={"recommendation": recommendation, "justification": justification, "assessed_by": user,
                      "working_group": group, "version": current_version + 1},
        )
        assessment.trends.set(trend_objects)
        AssessmentVersion.objects.create(
            assessment=assessment, number=assessment.version, recommendation=recommendation,
            justification=justification, trend_names=sorted(trend.name for trend in trend_objects),
            working_group=group, saved_by=user, saved_at=now,
        )
        log(submission, "strategy_forms.submission_assess", user=user, data={
            "recommendation": recommendation, "trends": [trend.name for trend in trend_objects], "first": created,
            "version": assessment.version,
        })
    return assessment


@dataclass
class VersionChange:
    version: object  # AssessmentVersion
    changed: list  # labels of what differs from the version before (all, for the first)


VERSION_FIELDS = (
    ("recommendation", _("recommendation")),
    ("justification", _("justification")),
    ("trend_names", _("trends")),
)


def assessment_history(assessment):
    """The assessment's versions, newest first, each with what it changed against the one before."""
    if assessment is None:
        return []
    versions = list(assessment.versions.select_related("saved_by", "working_group").order_by("number"))
    history, previous = [], None
    for version in versions:
        changed = [str(label) for name, label in VERSION_FIELDS
                   if previous is None or getattr(version, name) != getattr(previous, name)]
        history.append(VersionChange(version, changed))
        previous = version
    return history[::-1]


def submissions_awaiting_assessment(user):
    """The accepted submissions of the user's areas that nobody has assessed yet, oldest first
    (the reviewer's queue; empty for a user who reviews no area)."""
    return (
        ConsultationSubmission.objects.filter(
            status=Status.ACCEPTED, area_id__in=reviewer_area_ids(user), assessment__isnull=True
        )
        .select_related("area", "page")
        .order_by("moderated_at", "pk")
    )


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
    descriptions: dict = field(default_factory=dict)  # trend name: description

    @property
    def trend_items(self):
        """(name, number of submissions, description) of each trend."""
        return [(name, count, self.descriptions.get(name, "")) for name, count in self.trends]


@dataclass
class TrendSummary:
    name: str
    description: str
    references: list  # reference numbers of the accepted, assessed submissions that point to it

    @property
    def submission_count(self):
        return len(self.references)


@dataclass
class GoalSummary:
    title: str
    justification: str
    trends: list  # names
    submissions: list  # (reference number, title)

    @property
    def submission_count(self):
        return len(self.submissions)

    @property
    def references(self):
        return [reference for reference, _title in self.submissions]


@dataclass
class GroupRecommendationsSummary:
    """A group's agreed recommendations as published: no names, e-mails or phone numbers anywhere."""

    group_id: int
    group: str
    area: str
    state: str
    agreed_at: object
    handed_over_at: object
    vision: str
    goals: list
    trends: list  # TrendSummary of the group's area

    @property
    def submission_count(self):
        return len({reference for goal in self.goals for reference in goal.references})


@dataclass
class Report:
    areas: list
    received: int
    accepted: int
    rejected: int
    assessed: int
    recommendations: list = field(default_factory=list)
    # (channel label, number of submissions received that way), channels with none left out: counts only.
    by_channel: list = field(default_factory=list)


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
        area_report.descriptions = dict(
            Trend.objects.filter(area=area_report.area, name__in=counts).exclude(description="")
            .values_list("name", "description")
        )
    # Every count of the summary from one grouped query.
    channel_counts, status_counts = {}, {}
    for channel, status, count in (
        submissions.order_by().values("channel", "status").annotate(count=Count("pk"))
        .values_list("channel", "status", "count")
    ):
        channel_counts[channel] = channel_counts.get(channel, 0) + count
        status_counts[status] = status_counts.get(status, 0) + count
    return Report(
        areas=list(areas.values()),
        by_channel=[(channel.label, channel_counts[channel.value]) for channel in Channel
                    if channel_counts.get(channel.value)],
        received=sum(status_counts.values()),
        accepted=status_counts.get(Status.ACCEPTED, 0),
        rejected=status_counts.get(Status.REJECTED, 0),
        assessed=len(assessed),
        recommendations=recommendations_report(consultation),
    )


def _trend_summaries(consultation, area_id, extra_trend_ids):
    """The area's trends named in the consultation's assessments (or by a goal), each with its
    description and the reference numbers of the accepted, assessed submissions pointing to it."""
    trends = Trend.objects.filter(area_id=area_id).filter(
        Q(assessments__submission__page=consultation) | Q(pk__in=extra_trend_ids)
    ).distinct().order_by("name")
    references = {}
    for trend_id, reference in Assessment.objects.filter(
        submission__page=consultation, submission__status=Status.ACCEPTED, submission__area_id=area_id,
        trends__isnull=False,
    ).values_list("trends", "submission__reference"):
        references.setdefault(trend_id, set()).add(reference)
    summaries = [
        TrendSummary(trend.name, trend.description, sorted(references.get(trend.pk, ()))) for trend in trends
    ]
    return sorted(summaries, key=lambda trend: (-trend.submission_count, trend.name.lower()))


def recommendations_report(consultation):
    """Every group's agreed recommendations (the agreed version, never the draft in progress), with the
    trends and the number of submissions each goal rests on. Only submissions still accepted for review
    count; what is published of them is the reference number and the title."""
    summaries = []
    for document, version in working_groups.agreed_recommendations():
        goals, trend_ids = [], set()
        for goal in version.goals.all():
            trends = list(goal.trends.all())
            trend_ids.update(trend.pk for trend in trends)
            submissions = sorted(
                (submission.reference, submission.title) for submission in goal.submissions.all()
                if submission.status == Status.ACCEPTED
            )
            goals.append(GoalSummary(goal.title, goal.justification, sorted(trend.name for trend in trends),
                                     submissions))
        group = document.group
        summaries.append(GroupRecommendationsSummary(
            group_id=group.pk, group=group.name, area=group.area.name if group.area else "",
            state=document.get_state_display(), agreed_at=document.agreed_at,
            handed_over_at=document.handed_over_at if document.handed_over_revision_id == document.agreed_revision_id
            else None,
            vision=version.vision, goals=goals,
            trends=_trend_summaries(consultation, group.area_id, trend_ids) if group.area_id else [],
        ))
    return summaries


RECOMMENDATIONS_COLUMNS = (
    ("group", _("Working group")),
    ("area", _("Thematic area")),
    ("state", _("State")),
    ("agreed_at", _("Agreed")),
    ("vision", _("Vision")),
    ("goal", _("Development goal")),
    ("justification", _("Justification")),
    ("trends", _("Trends")),
    ("references", _("Submissions (reference numbers)")),
    ("submission_count", _("Number of submissions")),
)


def _date(value):
    return timezone.localtime(value).date().isoformat() if value else ""


def recommendations_csv(consultation):
    """One row per recommended goal (a group without goals: one row with its vision), for spreadsheet
    programs set to Polish: the shared writer's CSV (UTF-8 with BOM, ``;``, every text neutralised)."""
    rows = []
    for summary in recommendations_report(consultation):
        common = {"group": summary.group, "area": summary.area, "state": summary.state,
                  "agreed_at": _date(summary.agreed_at), "vision": summary.vision}
        rows += [{**common, "goal": goal.title, "justification": goal.justification, "trends": ", ".join(goal.trends),
                  "references": ", ".join(goal.references), "submission_count": goal.submission_count}
                 for goal in summary.goals] or [{**common, "submission_count": 0}]
    return csv_text([label for _key, label in RECOMMENDATIONS_COLUMNS],
                    ([row.get(key, "") for key, _label in RECOMMENDATIONS_COLUMNS] for row in rows))


def recommendations_data(consultation, report_url=""):
    """The agreed recommendations as open data (plain JSON types)."""
    return {
        "consultation": {
            "title": consultation.title,
            "starts_at": consultation.starts_at.isoformat(),
            "ends_at": consultation.ends_at.isoformat(),
            "report_url": report_url,
        },
        "working_groups": [
            {
                "working_group": summary.group,
                "thematic_area": summary.area,
                "state": summary.state,
                "agreed_at": summary.agreed_at.isoformat() if summary.agreed_at else None,
                "handed_to_mayor_at": summary.handed_over_at.isoformat() if summary.handed_over_at else None,
                "vision": summary.vision,
                "goals": [
                    {
                        "title": goal.title,
                        "justification": goal.justification,
                        "trends": goal.trends,
                        "submissions": [{"reference": reference, "title": title}
                                        for reference, title in goal.submissions],
                        "submission_count": goal.submission_count,
                    }
                    for goal in summary.goals
                ],
                "trends": [
                    {"name": trend.name, "description": trend.description, "submissions": trend.references,
                     "submission_count": trend.submission_count}
                    for trend in summary.trends
                ],
            }
            for summary in recommendations_report(consultation)
        ],
    }


def recommendations_json(consultation, report_url=""):
    return json.dumps(recommendations_data(consultation, report_url), ensure_ascii=False, indent=2)


# The one neutralising function of every export (forms.privacy.exports); kept under this name for callers.
csv_safe = neutralise_text


def report_csv(consultation):
    """The report as CSV text for spreadsheet programs set to Polish (the shared writer's CSV)."""
    rows = []
    for area_report in report(consultation).areas:
        for row in area_report.rows:
            values = {**row.__dict__, "trends": ", ".join(row.trends)}
            rows.append([values[key] for key, _label in REPORT_COLUMNS])
    return csv_text([label for _key, label in REPORT_COLUMNS], rows)


def page_tree_has_submissions(page):
    return ConsultationSubmission.objects.filter(page__path__startswith=page.path).exists()
