from ninja import Router

from ddm.investment.intake.api import router as intake_router

router = Router(tags=["Investment"])
router.add_router("", intake_router)
