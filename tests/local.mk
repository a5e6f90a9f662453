# Test suite: unit tests (tests/unit), namespace tests (tests/netns), VM tests (tests/vm).
