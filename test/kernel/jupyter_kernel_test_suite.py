"""Jupyter's own conformance suite (jupyter_kernel_test) against the installed tsgrad kernelspec.

Run by test/kernel/conformance.test.ts with Debian's /usr/bin/python3, after `tsgrad install`
into a temporary JUPYTER_DATA_DIR.
"""
import unittest

import jupyter_kernel_test
from jupyter_kernel_test.msgspec_v5 import validate_message

TIMEOUT = 30


class TsgradKernelTests(jupyter_kernel_test.KernelTests):
    kernel_name = "tsgrad"
    language_name = "typescript"
    file_extension = ".ts"

    code_hello_world = 'console.log("hello, world")'
    code_stderr = 'console.error("something on stderr")'

    completion_samples = [
        {"text": "Math.ma", "matches": {"max"}},
        {"text": "const longVariableName = 1;\nlongVar", "matches": {"longVariableName"}},
    ]

    complete_code_samples = ["1 + 1", "const a = 1;", "function f() {\n  return 1;\n}"]
    incomplete_code_samples = ["function f() {", "const b = [1,", "if (true) {\n  console.log(1);"]

    code_inspect_sample = "Math.max"

    code_page_something = "tensor?"

    code_generate_error = 'throw new Error("boom")'

    code_execute_result = [
        {"code": "6 * 7", "result": "42"},
        {"code": '"ab" + "cd"', "result": "'abcd'"},
        {"code": "[1, 2, 3].map((x) => x * 2)", "result": "[ 2, 4, 6 ]"},
    ]
    code_history_pattern = "6*7"
    supported_history_operations = ("tail", "range", "search")

    code_display_data = [
        {
            "code": 'display({ [Symbol.for("Jupyter.display")]() { return { "text/html": "<b>hi</b>", "text/plain": "hi" }; } })',
            "mime": "text/html",
        },
        {"code": "display(tensor([1, 2, 3]))", "mime": "text/plain"},
    ]

    code_clear_output = "clearOutput()"

    def test_stdin_input(self):
        """A prompt() in a cell sends input_request on stdin and gets the front end's answer."""
        self.flush_channels()
        msg_id = self.kc.execute('const answer = prompt("name? ");\nanswer.toUpperCase()', allow_stdin=True)
        request = self.kc.get_stdin_msg(timeout=TIMEOUT)
        # msgspec_v5 types `password` as a number; the protocol (and ipykernel) send a boolean.
        self.assertEqual(request["header"]["msg_type"], "input_request")
        self.assertIs(request["content"]["password"], False)
        self.assertEqual(request["parent_header"]["msg_id"], msg_id)
        self.assertEqual(request["content"]["prompt"], "name? ")
        self.kc.input("ada")
        reply = self.get_non_kernel_info_reply(timeout=TIMEOUT)
        validate_message(reply, "execute_reply", msg_id)
        self.assertEqual(reply["content"]["status"], "ok")
        results = []
        while True:
            msg = self.kc.get_iopub_msg(timeout=TIMEOUT)
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            if msg["msg_type"] == "execute_result":
                results.append(msg["content"]["data"]["text/plain"])
            if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                break
        self.assertEqual(results, ["'ADA'"])

    def test_interrupt(self):
        """jupyter_client's interrupt_kernel (an interrupt_request, per the kernelspec) stops an endless loop."""
        self.flush_channels()
        self.kc.execute("let kept = 41;")
        self.get_non_kernel_info_reply(timeout=TIMEOUT)
        msg_id = self.kc.execute('console.log("looping");\nwhile (true) {}')
        while True:
            msg = self.kc.get_iopub_msg(timeout=TIMEOUT)
            if msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "stream":
                break
        self.km.interrupt_kernel()
        reply = self.get_non_kernel_info_reply(timeout=TIMEOUT)
        validate_message(reply, "execute_reply", msg_id)
        self.assertEqual(reply["content"]["status"], "error")
        self.assertEqual(reply["content"]["ename"], "Interrupted")
        self.flush_channels()
        reply, outputs = self.execute_helper("kept + 1")
        self.assertEqual(reply["content"]["status"], "ok")
        self.assertEqual([m["content"]["data"]["text/plain"] for m in outputs if m["msg_type"] == "execute_result"], ["42"])

    def test_kernel_info_versions(self):
        """kernel_info names the real TypeScript and Node.js versions and the protocol it speaks."""
        self.flush_channels()
        msg_id = self.kc.kernel_info()
        reply = self.kc.get_shell_msg(timeout=TIMEOUT)
        validate_message(reply, "kernel_info_reply", msg_id)
        content = reply["content"]
        self.assertEqual(content["status"], "ok")
        self.assertRegex(content["language_info"]["version"], r"^\d+\.\d+\.\d+")
        self.assertIn("Node.js v", content["banner"])
        self.assertGreaterEqual(tuple(int(x) for x in content["protocol_version"].split(".")), (5, 3))


if __name__ == "__main__":
    unittest.main()
