"""Surveys: plain Wagtail form-builder pages whose staff e-mail goes through the outbox."""
