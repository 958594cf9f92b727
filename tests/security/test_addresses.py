"""Which address a request comes from, as the configured proxies report it."""

import pytest

from pimtracker.security.addresses import client_address


@pytest.mark.parametrize(
    ("proxies", "remote", "forwarded", "expected"),
    [
        (0, "203.0.113.9", "", "203.0.113.9"),
        (0, "203.0.113.9", "10.0.0.1", "203.0.113.9"),  # no proxy: the header is ignored
        (1, "127.0.0.1", "203.0.113.9", "203.0.113.9"),
        (1, "127.0.0.1", "6.6.6.6, 203.0.113.9", "203.0.113.9"),  # what the client wrote
        (1, "127.0.0.1", "6.6.6.6, 7.7.7.7, 203.0.113.9", "203.0.113.9"),
        (2, "127.0.0.1", "6.6.6.6, 203.0.113.9, 10.0.0.2", "203.0.113.9"),
        (1, "127.0.0.1", "", "127.0.0.1"),  # straight to gunicorn, not through nginx
        (1, "127.0.0.1", "not-an-address", "127.0.0.1"),
        (1, "127.0.0.1", "2001:db8::7", "2001:db8::7"),
    ],
)
def test_the_client_address_is_the_one_our_outermost_proxy_saw(
    rf, settings, proxies, remote, forwarded, expected
):
    settings.TRUSTED_PROXY_COUNT = proxies
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    assert client_address(rf.get("/", REMOTE_ADDR=remote, **headers)) == expected
