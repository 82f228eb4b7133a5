"""Power checks (codes ``power.*``): UPS capacity, runtime and batteries (``ups``), the site
supply and coverage (``supply``), PDU currents, phase balance and outlets (``distribution``),
and failover (``failover``)."""
