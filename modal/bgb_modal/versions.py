"""Every version and name the GPU side depends on, in one place.

Changing anything here changes the image (and so forces a rebuild on Modal).
"""

APP_NAME = "brain-go-brr-v2"

# Storage names and mount points (contracts.md section 3).
RESULTS_VOLUME = "brain-go-brr-results"
RESULTS_MOUNT = "/results"
DATA_VOLUME = "brain-go-brr-data"
DATA_VOLUME_MOUNT = "/staged"  # stage copies datasets to /staged/<name>/<version>/
S3_SECRET = "aws-s3-secret"
WANDB_SECRET = "wandb-secret"

# Image: order of these steps is fixed in bgb_modal/image_plan.py.
BASE_IMAGE = "nvidia/cuda:12.1.0-devel-ubuntu22.04"
PYTHON_VERSION = "3.11"
APT_PACKAGES = ("build-essential", "ninja-build", "git")
CUDA_HOME = "/usr/local/cuda"
# Written out in full: Modal quotes ENV values, so "$PATH" would not expand. This is the base
# image's own PATH with nothing removed.
CUDA_PATH = "/usr/local/nvidia/bin:/usr/local/cuda/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
TORCH_CUDA_ARCH_LIST = "8.0;9.0"  # A100 (sm_80) and H100 (sm_90)

TORCH_INDEX_URL = "https://download.pytorch.org/whl/cu121"
TORCH_PACKAGES = ("torch==2.2.2", "torchvision==0.17.2", "numpy<2")
BUILD_TOOLS = ("packaging", "wheel", "setuptools")
CAUSAL_CONV1D = "causal-conv1d==1.4.0"
MAMBA_SSM = "mamba-ssm==2.2.2"

# The trainer's runtime dependencies (its pyproject lists them unpinned; pinned here for
# reproducible images). "numpy<2" is repeated so no dependency can upgrade numpy past the
# ABI that torch 2.2.2 and the mamba-ssm kernels were built against.
TRAINER_PACKAGES = (
    "numpy<2",
    "scipy==1.13.1",
    "scikit-learn==1.5.2",
    "scikit-image==0.24.0",
    "pandas==2.2.3",
    "mne==1.8.0",
    "pyedflib==0.1.38",
    "einops==0.8.0",
    "pydantic==2.9.2",
    "pyyaml==6.0.2",
    "click==8.1.7",
    "rich==13.9.4",
    "matplotlib==3.9.2",
    "seaborn==0.13.2",
    "tqdm==4.66.5",
    "tensorboard==2.18.0",
    "wandb==0.18.7",
)

# Inside the container.
APP_DIR = "/app"  # PYTHONPATH root: trainer source at /app/src, configs at /app/configs
TRAINER_REMOTE_DIR = "/app/src"
CONFIGS_REMOTE_DIR = "/app/configs"

# Defaults when BGB_LAUNCH_SPEC is absent (contracts.md section 2).
DEFAULT_GPU = "A100-80GB"
DEFAULT_TIMEOUT_S = 86_400
MAX_TIMEOUT_S = 86_400  # Modal rejects longer function timeouts
DEFAULT_TRAINER_SOURCE = "vendor/brain-go-brr-v2/src"

# Functions that need no GPU for long.
CHECK_TIMEOUT_S = 1_800
STAGE_TIMEOUT_S = 86_400
STAGE_CPU = 8.0
STAGE_WORKERS = 32

# A run longer than one function timeout continues in a new segment; this bounds the chain.
MAX_SEGMENTS = 12
# Preemption retries of one segment (Modal re-runs the input; the runner resumes from last.pt).
PREEMPTION_RETRIES = 5
