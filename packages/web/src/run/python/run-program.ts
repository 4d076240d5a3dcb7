/**
 * Python defined once per interpreter: line-buffered standard streams, and a function that runs one
 * program the way `python main.py` would and returns its exit status. Each run gets a fresh `__main__` module (nothing defined by
 * one run is seen by the next) and the standard streams back, in case the last run replaced them.
 * Tracebacks leave out this function's own frame, and show the program's lines (registered with
 * linecache under the file name).
 */
export const PROGRAM_FILE = 'main.py';

export const RUN_PROGRAM_SOURCE = `
import linecache
import sys
import traceback
import types

# Line by line, as in a terminal: the console shows each line as it is printed.
sys.stdout.reconfigure(line_buffering=True)
sys.stderr.reconfigure(line_buffering=True)

def _pairwise_run_program(source):
    sys.stdin, sys.stdout, sys.stderr = sys.__stdin__, sys.__stdout__, sys.__stderr__
    sys.argv = ['${PROGRAM_FILE}']
    main = types.ModuleType('__main__')
    main.__file__ = '${PROGRAM_FILE}'
    sys.modules['__main__'] = main
    linecache.cache['${PROGRAM_FILE}'] = (len(source), None, source.splitlines(True), '${PROGRAM_FILE}')
    try:
        exec(compile(source, '${PROGRAM_FILE}', 'exec'), main.__dict__)
        status = 0
    except SystemExit as exit:
        if exit.code is None:
            status = 0
        elif isinstance(exit.code, int):
            status = int(exit.code)
        else:
            print(exit.code, file=sys.stderr)
            status = 1
    except BaseException as error:
        frames = error.__traceback__.tb_next if error.__traceback__ is not None else None
        traceback.print_exception(type(error), error, frames)
        status = 1
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BaseException:
            pass
    return status

_pairwise_run_program
`;
