"""Events of working groups: meetings, registrations, calendars, questions to the chairs."""
