"""E-mails about working-group sign-ups, through the outbox.

``queue_*`` functions are called inside the service's transaction: they record a message in
``notifications`` (unique key, primary keys only) and the outbox queues its send task after the
commit, so nothing is sent inside a request or for a rolled-back transaction. The builders below
turn a recorded message into an e-mail in the worker, in the site language (``FormsConfig.ready``
imports this module in every process).
"""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from notifications.registry import message_builder
from notifications.services import compose, enqueue

from ..mail import admin_url, instant_key, local_datetime, page_url, staff_task_recipients
from .models import Channel, WorkingGroupSignup

# Notification kinds (the outbox stores any kind that has a builder).
SIGNUP_RECEIVED = "working_group_signup_received"
SIGNUP_STAFF = "working_group_signup_staff"
SIGNUP_ACCEPTED = "working_group_signup_accepted"
SIGNUP_DECLINED = "working_group_signup_declined"
# Staff tasks for a person without an e-mail address: tell them by phone.
SIGNUP_PHONE_TASK = "working_group_signup_phone_task"
DECISION_PHONE_TASK = "working_group_decision_phone_task"
SIGNUP_DUPLICATE = "working_group_signup_duplicate"


# Recording (inside the service transaction) -------------------------------------------------


def _params(signups):
    return {"signup_ids": [signup.pk for signup in signups]}


def queue_signup_received(page, signups):
    """One confirmation to the person and one message to staff for all groups chosen in one form."""
    first = signups[0]
    enqueue(key=f"wg-signup:{first.pk}:received", kind=SIGNUP_RECEIVED, recipients=[first.email],
             target=first, page=page, params=_params(signups))
    queue_signup_staff(page, signups)


def queue_signup_staff(page, signups):
    first = signups[0]
    enqueue(key=f"wg-signup:{first.pk}:staff", kind=SIGNUP_STAFF, recipients=page.notification_recipients,
             target=first, page=page, params=_params(signups))


def queue_duplicate_signup(page, signups, now):
    """The address's owner learns that someone signed it up again (at most once a day per sign-up)."""
    first = signups[0]
    if not first.email:
        return
    enqueue(key=f"wg-signup:{first.pk}:duplicate:{now.date().isoformat()}", kind=SIGNUP_DUPLICATE,
            recipients=[first.email], target=first, page=page, params={"signup_ids": [s.pk for s in signups]})


def queue_signup_phone_task(page, signups, user=None):
    """Instead of the confirmation, for a person without e-mail: staff call them. Returns the notification."""
    first = signups[0]
    return enqueue(key=f"wg-signup:{first.pk}:phone-task", kind=SIGNUP_PHONE_TASK,
                    recipients=staff_task_recipients(page, user), target=first, page=page, params=_params(signups))


def queue_signup_decision(signup, now, user=None):
    """The person learns the decision; a later change of mind is a new message (the key has the time)."""
    return _queue_decision(signup, f"wg-signup:{signup.pk}:{signup.status}:{instant_key(now)}", user)


def queue_group_formed_decision(signup, user=None):
    """The decision, told when the group is marked as formed: once per sign-up and status (the key has
    no time, so forming twice, or a retried transaction, records nothing new)."""
    return _queue_decision(signup, f"wg-signup:{signup.pk}:{signup.status}:group-formed:{signup.group_id}", user)


def _queue_decision(signup, key, user):
    # A person without e-mail is told by phone: staff get the task.
    page = signup.group.page
    if not signup.email:
        return enqueue(key=key, kind=DECISION_PHONE_TASK, recipients=staff_task_recipients(page, user),
                       target=signup, page=page, params={"status": signup.status})
    kind = SIGNUP_ACCEPTED if signup.status == signup.Status.ACCEPTED else SIGNUP_DECLINED
    return enqueue(key=key, kind=kind, recipients=[signup.email], target=signup, page=page)


# Building (in the worker) -------------------------------------------------------------------


def _signups(notification):
    ids = notification.params.get("signup_ids") or [notification.object_id]
    return list(WorkingGroupSignup.objects.filter(pk__in=ids).select_related("group", "group__page").order_by("pk"))


def _group_list(signups):
    return "\n".join(f"– {signup.group.name}" for signup in signups)


@message_builder(SIGNUP_RECEIVED)
def signup_received(notification):
    signups = _signups(notification)
    if not signups:
        return None
    page = signups[0].group.page
    subject = gettext("We have received your sign-up for the working groups")
    text = gettext(
        "Hello %(name)s,\n\nthank you for signing up for the working groups (%(page)s):\n%(groups)s\n\n"
        "A group is formed when enough people sign up. We will let you know whether you have been "
        "accepted into the group.\n\n%(url)s"
    ) % {"name": signups[0].full_name, "page": page.title, "groups": _group_list(signups), "url": page_url(page)}
    if signups[0].channel != Channel.ONLINE:
        text = gettext("Your sign-up, received %(channel)s on %(date)s, has been entered by our staff.") % {
            "channel": signups[0].get_channel_display(), "date": local_datetime(signups[0].arrived_at),
        } + "\n\n" + text
    return compose(subject, text)


@message_builder(SIGNUP_STAFF)
def signup_staff(notification):
    signups = _signups(notification)
    if not signups:
        return None
    signup, page = signups[0], signups[0].group.page
    subject = gettext("New working-group sign-up: %(groups)s") % {
        "groups": ", ".join(item.group.name for item in signups)
    }
    text = gettext(
        "A new sign-up for the working groups (%(page)s).\n\nName: %(name)s\nE-mail: %(email)s\nPhone: %(phone)s\n"
        "Represents: %(represents)s\nGroups:\n%(groups)s\nReceived: %(channel)s, %(received)s\n\n"
        "Experience and motivation:\n%(motivation)s\n\nAccept or decline in the admin:\n%(url)s"
    ) % {
        "page": page.title,
        "name": signup.full_name,
        "email": signup.email or "–",
        "channel": signup.get_channel_display(),
        "received": local_datetime(signup.arrived_at),
        "phone": signup.phone or "–",
        "represents": signup.represents,
        "groups": _group_list(signups),
        "motivation": signup.motivation,
        "url": admin_url("participation_working_group_page", page.pk),
    }
    return compose(subject, text)


def _decision_message(notification, expected_status):
    signup = WorkingGroupSignup.objects.select_related("group", "group__page").get(pk=notification.object_id)
    if signup.status != expected_status:
        return None  # the decision was changed before the message went out: the newer one is queued
    values = {"name": signup.full_name, "group": signup.group.name, "url": page_url(signup.group.page)}
    if expected_status == WorkingGroupSignup.Status.ACCEPTED:
        subject = gettext("You have been accepted into the working group “%(group)s”") % values
        text = gettext(
            "Hello %(name)s,\n\nwe are glad to tell you that you have been accepted into the working group "
            "“%(group)s”. We will send you the date of the first meeting.\n\n%(url)s"
        ) % values
    else:
        subject = gettext("Your sign-up for the working group “%(group)s”") % values
        text = gettext(
            "Hello %(name)s,\n\nthank you for your interest in the working group “%(group)s”. Unfortunately we "
            "cannot include you in this group. You can still take part in the public consultations.\n\n%(url)s"
        ) % values
    return compose(subject, text)


@message_builder(SIGNUP_ACCEPTED)
def signup_accepted(notification):
    return _decision_message(notification, "accepted")


@message_builder(SIGNUP_DECLINED)
def signup_declined(notification):
    return _decision_message(notification, "declined")


def _task_values(signup):
    return {
        "name": signup.full_name,
        "phone": signup.phone,
        "page": signup.group.page.title,
        "channel": signup.get_channel_display(),
        "received": local_datetime(signup.arrived_at),
        "entered_by": (signup.entered_by.get_full_name() or signup.entered_by.get_username()) if signup.entered_by
        else "–",
        "url": admin_url("participation_working_group_page", signup.group.page_id),
    }


@message_builder(SIGNUP_PHONE_TASK, label=_("sign-up without e-mail: call the person (staff)"))
def signup_phone_task(notification):
    signups = _signups(notification)
    if not signups:
        return None
    values = {**_task_values(signups[0]), "groups": _group_list(signups)}
    subject = gettext("Task: call %(name)s about the working-group sign-up") % values
    text = gettext(
        "%(name)s has no e-mail address, so the confirmation of the sign-up cannot be sent. Please call the "
        "person at %(phone)s and confirm that the sign-up has been entered (%(page)s):\n%(groups)s\n\n"
        "Received: %(channel)s, %(received)s\nEntered by: %(entered_by)s\n\n"
        "Tell the person that a group is formed when enough people sign up, and that we will call them with "
        "the decision.\n\nThe sign-ups in the admin:\n%(url)s"
    ) % values
    return compose(subject, text)


@message_builder(DECISION_PHONE_TASK, label=_("working-group decision without e-mail: call the person (staff)"))
def decision_phone_task(notification):
    signup = WorkingGroupSignup.objects.select_related("group", "group__page", "entered_by").get(
        pk=notification.object_id
    )
    if signup.status != notification.params.get("status"):
        return None  # the decision was changed before the message went out: the newer one is queued
    values = {**_task_values(signup), "group": signup.group.name, "status": signup.get_status_display()}
    subject = gettext("Task: call %(name)s about the decision on the group “%(group)s”") % values
    text = gettext(
        "%(name)s has no e-mail address. Please call the person at %(phone)s and tell them the decision on "
        "their sign-up for the working group “%(group)s”: %(status)s.\n\nThe sign-ups in the admin:\n%(url)s"
    ) % values
    return compose(subject, text)


@message_builder(SIGNUP_DUPLICATE, label=_("working-group sign-up with an address already signed up"))
def signup_duplicate(notification):
    signups = _signups(notification)
    if not signups:
        return None
    page = signups[0].group.page
    subject = gettext("You have already signed up for the working groups")
    text = gettext(
        "Hello,\n\n"
        "someone (perhaps you) has just signed this e-mail address up again on “%(page)s” for:\n%(groups)s\n\n"
        "This address had already signed up for these groups, so nothing has changed. If it was not you, "
        "you do not need to do anything."
    ) % {"page": page.title, "groups": _group_list(signups)}
    return compose(subject, text)
