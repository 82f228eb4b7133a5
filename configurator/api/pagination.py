from rest_framework.pagination import LimitOffsetPagination


class StandardLimitOffsetPagination(LimitOffsetPagination):
    """Limit/offset paging, 50 by default, capped at 500 so no request pages a whole table."""

    default_limit = 50
    max_limit = 500
