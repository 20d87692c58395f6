"""Flask extensions, created unbound; ``create_app`` binds them."""

from flask_babel import Babel
from flask_limiter import Limiter
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from ptcc.db import Base, TenantSession
from ptcc.tenancy.keys import tenant_scoped_ip

db = SQLAlchemy(model_class=Base, session_options={"class_": TenantSession})
login_manager = LoginManager()
babel = Babel()
csrf = CSRFProtect()
#: Limits are keyed by territory and client address; storage is set from PTCC_REDIS_URL.
limiter = Limiter(key_func=tenant_scoped_ip, default_limits=[])
