"""Type stubs of the native module (Rust, PyO3)."""
from os import PathLike
from typing import Any, Dict, List, Optional, Tuple, Union

import numpy as np
import numpy.typing as npt

SEGMENT_COLUMNS: Tuple[str, ...]

class LightCurve:
    """A TESS light curve: the rows a quality mask kept, and the file's header values."""

    @property
    def time(self) -> npt.NDArray[np.float64]: ...
    @property
    def flux(self) -> npt.NDArray[np.float32]: ...
    @property
    def flux_err(self) -> npt.NDArray[np.float32]: ...
    @property
    def quality(self) -> npt.NDArray[np.int32]: ...
    @property
    def cadenceno(self) -> npt.NDArray[np.int32]: ...
    @property
    def tic(self) -> Optional[int]: ...
    @property
    def sector(self) -> Optional[int]: ...
    @property
    def cadence_s(self) -> float: ...
    @property
    def product(self) -> str: ...
    @property
    def meta(self) -> Dict[str, Any]: ...
    def __len__(self) -> int: ...

class Segment:
    """CALNet's inputs for one segment of a light curve."""

    @property
    def lc(self) -> npt.NDArray[np.float32]: ...
    @property
    def gls(self) -> npt.NDArray[np.float32]: ...
    @property
    def t_start(self) -> float: ...
    @property
    def t_end(self) -> float: ...
    @property
    def n_points(self) -> int: ...
    @property
    def index(self) -> int: ...

class Classifier:
    """CALNet with its weights (.pth state_dict or safetensors), on the native CPU engine."""

    def __init__(self, weights: Union[str, PathLike]) -> None: ...
    def predict(
        self, lc: npt.NDArray[np.float32], gls: npt.NDArray[np.float32]
    ) -> npt.NDArray[np.float32]:
        """p(EB) per row of ``lc`` (n, 4000) and ``gls`` (n, 1000), float32, C-contiguous."""
        ...
    @property
    def feature_record(self) -> Dict[str, str]:
        """The ``features.*`` metadata the weights record (empty: the reference config)."""
        ...

def read(path: Union[str, PathLike], quality: str, flux: str) -> LightCurve: ...
def from_arrays(
    time: npt.NDArray[np.float64],
    flux: npt.NDArray[np.float32],
    flux_err: npt.NDArray[np.float32],
    quality: npt.NDArray[np.int32],
    tic: Optional[int],
    sector: Optional[int],
    name: str,
) -> LightCurve: ...
def periodogram(
    t: npt.NDArray[np.float64],
    y: npt.NDArray[np.float64],
    dy: Optional[npt.NDArray[np.float64]],
    frequency: Optional[npt.NDArray[np.float64]],
    normalization: str,
    method: str,
) -> npt.NDArray[np.float64]: ...
def calnet_frequencies() -> npt.NDArray[np.float64]: ...
def features(
    lc: LightCurve,
    mode: Optional[str] = None,
    quality: Optional[str] = None,
    config: str = "reference",
    record: Optional[Dict[str, str]] = None,
) -> List[Segment]: ...
