"""Django's SMTP backend, telling a message that may have been delivered from one that
was not.

When the whole message has reached the server and its reply is then lost (the connection
drops, or the reply comes later than the timeout), the server may well have accepted it:
sending it again could deliver it twice. ``MaybeDelivered`` says so, where smtplib raises the
same ``SMTPServerDisconnected`` as for a connection lost before anything was sent, which is
safe to retry.
"""

import smtplib
from typing import Any

from django.core.mail.backends import smtp


class MaybeDelivered(smtplib.SMTPException):
    """The message was handed over; the server's answer to it never came."""


class _Tracking(smtplib.SMTP):
    """Notes when the message itself has been written to the server during DATA."""

    _in_data = False
    handed_over = False

    def data(self, msg: Any) -> tuple[int, bytes]:
        self._in_data, self.handed_over = True, False
        try:
            return super().data(msg)
        except (OSError, smtplib.SMTPServerDisconnected) as exc:
            if self.handed_over:
                raise MaybeDelivered(f"{type(exc).__name__}: {exc}") from exc
            raise
        finally:
            self._in_data = False

    def send(self, s: Any) -> None:
        super().send(s)
        # In DATA, smtplib sends the command as text and then the message as bytes.
        if self._in_data and isinstance(s, bytes):
            self.handed_over = True


class TrackingSMTP(_Tracking):
    pass


class TrackingSMTPSSL(_Tracking, smtplib.SMTP_SSL):
    pass


class EmailBackend(smtp.EmailBackend):
    @property
    def connection_class(self) -> type[smtplib.SMTP]:
        return TrackingSMTPSSL if self.use_ssl else TrackingSMTP
