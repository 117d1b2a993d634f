"""Personal data: the data-protection notice, retention, per-person export and erasure, safe exports, who may see it."""
