"""Failure notices: a log line always; a webhook POST and an e-mail when configured.

WARDAY_ALERT_WEBHOOK   URL that receives a JSON object (text, dag_id, task_id, source,
                       reason, run_id)
WARDAY_ALERT_EMAIL     comma-separated recipients; needs WARDAY_SMTP_HOST (and WARDAY_SMTP_PORT,
                       WARDAY_SMTP_FROM optionally)
A notice that cannot be delivered is logged, never raised: it must not mask the failure.
"""

from __future__ import annotations

import json
import logging
import os
import re
import smtplib
import urllib.request
from email.message import EmailMessage
from typing import Any

from warday import settings

log = logging.getLogger("warday.alerts")
_SOURCE = re.compile(r"source (\S+) failed")


def failure_notice(context: dict[str, Any]) -> dict[str, Any]:
    """What failed, where, and why, from an Airflow task context."""
    ti = context.get("ti") or context.get("task_instance")
    exc = context.get("exception")
    reason = f"{type(exc).__name__}: {exc}" if exc else "unknown reason"
    source = _source_of(ti, str(exc or ""))
    dag_id = getattr(ti, "dag_id", "?")
    task_id = getattr(ti, "task_id", "?")
    where = f"{task_id}[{source}]" if source else task_id
    return {
        "text": f"warday: {dag_id}.{where} failed: {reason}"[:2000],
        "dag_id": dag_id,
        "task_id": task_id,
        "source": source,
        "reason": reason[:2000],
        "run_id": getattr(ti, "run_id", None),
    }


def _source_of(ti: Any, message: str) -> str | None:
    """The source a failed task was about: its map label, else the message names it."""
    label = getattr(ti, "rendered_map_index", None)
    if label:
        return str(label).split(":", 1)[0]
    found = _SOURCE.search(message)
    return found.group(1) if found else None


def notify(notice: dict[str, Any]) -> None:
    """Log the notice, then send it wherever the environment says."""
    log.error("%s", notice["text"])
    webhook = os.environ.get(settings.ENV_ALERT_WEBHOOK)
    if webhook:
        _post(webhook, notice)
    recipients = os.environ.get(settings.ENV_ALERT_EMAIL)
    if recipients and os.environ.get(settings.ENV_SMTP_HOST):
        _mail(recipients, notice)


def on_failure(context: dict[str, Any]) -> None:
    """Airflow on_failure_callback."""
    notify(failure_notice(context))


def _post(url: str, notice: dict[str, Any]) -> None:
    """POST the notice as JSON; a delivery failure is only logged."""
    request = urllib.request.Request(
        url,
        data=json.dumps(notice).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            response.read(1024)
    except OSError as exc:
        log.warning("alert webhook %s failed: %s", url, exc)


def _mail(recipients: str, notice: dict[str, Any]) -> None:
    """Send the notice by e-mail; a delivery failure is only logged."""
    message = EmailMessage()
    message["Subject"] = notice["text"][:150]
    message["From"] = os.environ.get(settings.ENV_SMTP_FROM, "warday@localhost")
    message["To"] = recipients
    message.set_content(json.dumps(notice, indent=2))
    host = os.environ[settings.ENV_SMTP_HOST]
    port = int(os.environ.get(settings.ENV_SMTP_PORT, "25"))
    try:
        with smtplib.SMTP(host, port, timeout=10) as smtp:
            smtp.send_message(message)
    except OSError as exc:
        log.warning("alert e-mail via %s failed: %s", host, exc)
