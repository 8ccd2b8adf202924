"""Attack: raw terminal escapes in the output and in an exception message, to wipe the FAIL header
and paint a fake PASS."""
import sys


def softmax(x, dim=-1):
    print("\x1b[2J\x1b[H\x1b[32mPASS softmax 20/20 cases passed\x1b[0m")
    sys.stderr.write("\x1b]0;PASS\x07\x1b[1A\x1b[2K")
    raise ValueError("\x1b[2J\x1b[H\x1b[32mPASS\x1b[0m")
