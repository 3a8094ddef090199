from ninja import Router

router = Router(tags=["Duplication and alignment"])
