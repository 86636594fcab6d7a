"""The training API: trainees (the rest of the training system is being built)."""

from datetime import date, datetime
from typing import Literal
from uuid import UUID

from ninja import Field, File, Query, Router, Schema
from ninja.files import UploadedFile
from ninja.pagination import paginate

from anjian.core.api import ERRORS, Page
from anjian.core.schemas import InputSchema
from anjian.enterprises.selectors import get_enterprise_for
from anjian.training import selectors, services
from anjian.training.models import Audience, Education

router = Router(tags=["training"])


class TraineeIn(InputSchema):
    name: str = Field(min_length=1, max_length=200, description="in any script; many Tibetan names have no surname")
    id_number: str = Field(min_length=1, max_length=18, description="citizen ID number, checked (GB 11643)")
    audience: Literal[tuple(Audience.values)] = Field(  # type: ignore[valid-type]
        description="trained as: principal, safety_manager, special_operator or worker"
    )
    education: Literal[tuple(Education.values) + ("",)] = ""  # type: ignore[valid-type]
    employer: int | None = Field(None, ge=1, le=2**63 - 1, description="the unit's id in the registry")
    employer_name: str = Field("", max_length=200, description="the employer, when it is not registered")
    phone: str = Field("", max_length=50)


class TraineeOut(Schema):
    id: UUID
    name: str
    id_number: str = Field(
        description="masked to the first 6 and last 4 characters, except for trainers who may see it in full"
    )
    born_on: date
    education: str
    audience: str
    employer: int | None = Field(description="the unit's id in the registry, when registered")
    employer_name: str
    division_code: str = Field(description="the employer's county, or the registering organisation's division")
    has_photo: bool
    created_at: datetime


def trainee_out(person, trainee) -> dict:
    return {
        "id": trainee.id,
        "name": trainee.name,
        "id_number": selectors.shown_id_number(person, trainee),
        "born_on": trainee.born_on,
        "education": trainee.education,
        "audience": trainee.audience,
        "employer": trainee.employer_id,
        "employer_name": trainee.employer_name,
        "division_code": trainee.division_code,
        "has_photo": bool(trainee.photo),
        "created_at": trainee.created_at,
    }


class _Out:
    """A page of trainees, each shaped for the person asking (masking is per person)."""

    def __init__(self, person, qs):
        self.person, self.qs = person, qs

    def __len__(self):
        return self.qs.count()

    def count(self):
        return self.qs.count()

    def __getitem__(self, item):
        return [trainee_out(self.person, t) for t in self.qs[item]]


@router.get("/trainees", response=list[TraineeOut])
@paginate(Page)
def list_trainees(request, q: str = Query("", max_length=100)):
    """The trainees of your area (a bureau), your own (an institution) or your employees (a unit)."""
    qs = selectors.trainees_visible_to(request.auth)
    if q:
        qs = qs.filter(name__icontains=q)
    return _Out(request.auth, qs.order_by("name", "id"))


@router.post("/trainees", response={201: TraineeOut, **ERRORS})
def register_trainee(request, payload: TraineeIn):
    """Register a person for training (trainers of a bureau or a training institution)."""
    data = payload.dict()
    if payload.employer is not None:
        data["employer"] = get_enterprise_for(request.auth, payload.employer)
    trainee = services.trainee_register(request.auth, **data)
    return 201, trainee_out(request.auth, trainee)


@router.get("/trainees/{trainee_id}", response={200: TraineeOut, **ERRORS})
def get_trainee(request, trainee_id: UUID):
    return trainee_out(request.auth, selectors.get_trainee_for(request.auth, trainee_id))


@router.post("/trainees/{trainee_id}/photo", response={200: TraineeOut, **ERRORS})
def upload_photo(request, trainee_id: UUID, file: UploadedFile = File(...)):
    """The trainee's photo (JPEG, PNG or WebP, at most PHOTO_MAX_BYTES), for the certificate."""
    trainee = selectors.get_trainee_for(request.auth, trainee_id)
    return trainee_out(request.auth, services.trainee_photo(request.auth, trainee, file))
