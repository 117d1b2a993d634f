"""Consultations: the consultation page, submissions, moderation, assessment by the groups, the public report."""
