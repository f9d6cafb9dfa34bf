"""Hub adapters: one module per hub, registered in ``registry``."""
