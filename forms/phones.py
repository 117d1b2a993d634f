"""Phone numbers compared as digits: "(22) 484 23 90", "22-484-23-90" and "+48 22 484 23 90" are one number.

Pure functions, imported by the models (to fill ``phone_key``), the services (duplicates) and the
personal-data finder.
"""

POLISH_PREFIX = "48"
POLISH_NUMBER_DIGITS = 9


def phone_key(phone):
    """The number's digits without the Polish country code, or "" when there are none.

    A leading "00" or "+" international prefix is dropped; "48" is dropped from an 11-digit number
    (a Polish number has 9 digits), so a number written with or without the country code matches.
    """
    digits = "".join(character for character in (phone or "") if character.isdigit())
    if digits.startswith("00"):
        digits = digits[2:]
    if len(digits) == POLISH_NUMBER_DIGITS + len(POLISH_PREFIX) and digits.startswith(POLISH_PREFIX):
        digits = digits[len(POLISH_PREFIX):]
    return digits
