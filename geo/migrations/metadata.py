"""Every table of every domain on one MetaData, for Alembic (env.py) and the test that holds
the models equal to the migrations (tests/core/test_vocabulary.py)."""

from geo.accounts import models as accounts
from geo.business import models as business
from geo.cases import models as cases
from geo.coverage import models as coverage
from geo.meetings import models as meetings
from geo.models import derived, organisations, places
from geo.models.base import Base
from geo.residential import models as residential

DOMAINS = (
    accounts,
    business,
    cases,
    coverage,
    meetings,
    residential,
    derived,
    organisations,
    places,
)
metadata = Base.metadata
