"""Small helpers around django-q2 schedules, addressed by name."""

from django.db import transaction
from django_q.models import Schedule


def set_schedule(name, func, *args, next_run, schedule_type=Schedule.ONCE, **fields):
    """Create or move the schedule called ``name`` (names are not unique in django-q2: keep exactly one).

    A ONCE schedule with ``repeats=-1`` deletes itself after it has queued its task.
    """
    with transaction.atomic():
        existing = list(Schedule.objects.select_for_update().filter(name=name).order_by("pk"))
        schedule = existing[0] if existing else Schedule(name=name)
        for duplicate in existing[1:]:
            duplicate.delete()
        schedule.func = func
        schedule.args = repr(tuple(args)) if args else None
        schedule.schedule_type = schedule_type
        schedule.next_run = next_run
        schedule.repeats = fields.pop("repeats", -1)
        for field, value in fields.items():
            setattr(schedule, field, value)
        schedule.save()
    return schedule


def delete_schedule(name):
    Schedule.objects.filter(name=name).delete()
