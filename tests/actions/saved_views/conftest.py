# The permission matrix's fixtures, for this feature's rows of it.
from tests.actions.test_permissions import no_role, world  # noqa: F401
