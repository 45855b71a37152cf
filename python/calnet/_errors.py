"""The package's exception, in Python so that it carries attributes."""


class LightCurveError(ValueError):
    """A light curve that cannot be read or turned into CALNet's inputs.

    Attributes
    ----------
    path : str
        The file (or the name of the in-memory light curve).
    reason : str
        What is wrong, in words (``"no such file"``, ``"truncated FITS file (...)"``,
        ``"LIGHTCURVE table has no column PDCSAP_FLUX"``...).
    """

    def __init__(self, path, reason):
        super().__init__(f"{path}: {reason}")
        self.path = str(path)
        self.reason = str(reason)

    def __reduce__(self):
        return (type(self), (self.path, self.reason))
