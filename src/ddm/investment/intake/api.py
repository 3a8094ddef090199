from ninja import Router

router = Router(tags=["Investment intake"])
