build/obj/tests/unit/test_plan.o: tests/unit/test_plan.c common/config.h \
 scheduler/plan.h
common/config.h:
scheduler/plan.h:
