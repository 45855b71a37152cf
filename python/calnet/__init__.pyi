"""Type stubs of the public API (see calnet/__init__.py for the docstrings)."""
from os import PathLike
from typing import Any, Dict, List, Optional, Sequence, Tuple, Union

import numpy as np
import numpy.typing as npt

from ._calnet import Classifier as Classifier
from ._calnet import LightCurve as LightCurve
from ._calnet import Segment as Segment
from ._errors import LightCurveError as LightCurveError

BTJD_ZERO: float
SEGMENT_COLUMNS: Tuple[str, ...]

PathOrLightCurve = Union[str, PathLike, LightCurve, Any]

def read_lightcurve(
    path: Union[str, PathLike], quality: Union[str, int] = ..., flux: str = ...
) -> LightCurve: ...
def gls(
    t: npt.ArrayLike,
    y: npt.ArrayLike,
    dy: Optional[npt.ArrayLike] = ...,
    frequency: Optional[npt.ArrayLike] = ...,
    normalization: str = ...,
    method: str = ...,
) -> npt.NDArray[np.float64]: ...
def calnet_frequencies() -> npt.NDArray[np.float64]: ...
def features(
    path_or_lightcurve: PathOrLightCurve,
    mode: Optional[str] = ...,
    quality: Optional[Union[str, int]] = ...,
    config: str = ...,
) -> List[Segment]: ...
def classify(
    paths: Union[PathOrLightCurve, Sequence[PathOrLightCurve]],
    weights: Union[str, PathLike, Classifier],
    threshold: float = ...,
    mode: Optional[str] = ...,
    quality: Optional[Union[str, int]] = ...,
) -> Union[Dict[str, npt.NDArray[Any]], Any]: ...
