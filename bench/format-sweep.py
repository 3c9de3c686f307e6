#!/usr/bin/env python3
"""Applies every RaceGuard fix with `dotnet format analyzers --severity info` to a copy of the rule tests' inputs.

Each `const string source = \"\"\"...\"\"\";` of RaceGuard.Tests/Rules becomes one file of a project (in a namespace of
its own, test markup removed) that uses the analyzers as a user's project does. The script builds it, runs dotnet
format, builds again, and prints: compiler errors before and after, RaceGuard diagnostics before and after, and the
diagnostics left that a fix is offered for (dotnet format leaves those only when a fix failed to apply).

usage: python3 bench/format-sweep.py [work-dir]     (from the repository root; needs the .NET SDK)
"""
import os, re, subprocess, sys, glob, shutil

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
work = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, "artifacts", "format-sweep")
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)

def raw_strings(text):
    # const string source = """ ... """;  (C# raw string literal: the closing quotes' indentation is removed)
    for m in re.finditer(r'string source = """\n(.*?)\n([ \t]*)"""', text, re.S):
        indent = m.group(2)
        yield "\n".join(l[len(indent):] if l.startswith(indent) else l.lstrip() for l in m.group(1).split("\n"))

markup = re.compile(r'\{\|[^:|{}]*:|\|\}|\[\||\|\]')
count = 0
for path in sorted(glob.glob(os.path.join(root, "RaceGuard.Tests", "Rules", "*.cs"))):
    for source in raw_strings(open(path).read()):
        source = markup.sub("", source)
        lines = source.split("\n")
        usings = [l for l in lines if l.startswith("using ")]
        body = [l for l in lines if not l.startswith("using ")]
        text = "\n".join(body)
        # Top-level statements, file-scoped namespaces and global usings cannot be wrapped in a namespace.
        if re.search(r'^namespace [\w.]+;', text, re.M) or not re.search(r'^(public |internal |sealed |static |abstract |partial )*(class|struct|record|interface|enum) ', text, re.M) \
                or re.search(r'^(var |await |[A-Za-z_.]+\(|if |for |foreach |using var )', text, re.M) \
                or re.search(r'\bLock\b', text):  # System.Threading.Lock needs net9.0 and C# 13
            continue
        with open(os.path.join(work, "Case%03d.cs" % count), "w") as f:
            f.write("\n".join(usings) + "\nnamespace Case%03d\n{\n%s\n}\n" % (count, text))
        count += 1

analyzers = os.path.join(root, "RaceGuard.Analyzers", "RaceGuard.Analyzers.csproj")
codefixes = os.path.join(root, "RaceGuard.CodeFixes", "RaceGuard.CodeFixes.csproj")
with open(os.path.join(work, "Inputs.csproj"), "w") as f:
    f.write("""<Project Sdk="Microsoft.NET.Sdk.Web">
  <PropertyGroup>
    <TargetFramework>net8.0</TargetFramework>
    <Nullable>enable</Nullable>
    <LangVersion>12</LangVersion>
    <OutputType>Library</OutputType>
    <TreatWarningsAsErrors>false</TreatWarningsAsErrors>
    <NoWarn>$(NoWarn);CS0168;CS0169;CS0219;CS0414;CS0649;CS1998;CS4014;CS8600;CS8601;CS8602;CS8603;CS8604;CS8618;CS8619;CS8620;CS8625;CS8629;CS8765;CS8767;CA2021;CS0162;CS0067;CS0105;CS8321</NoWarn>
  </PropertyGroup>
  <ItemGroup>
    <!-- Inputs of the analyzer-callback shapes use Roslyn's own types. -->
    <PackageReference Include="Microsoft.CodeAnalysis.Common" Version="4.8.0" />
    <ProjectReference Include="%s" OutputItemType="Analyzer" ReferenceOutputAssembly="false" />
    <ProjectReference Include="%s" OutputItemType="Analyzer" ReferenceOutputAssembly="false" />
  </ItemGroup>
</Project>
""" % (analyzers, codefixes))

def build(tag):
    out = subprocess.run(["dotnet", "build", work, "-c", "Debug", "--no-incremental", "-v", "q", "-clp:NoSummary"], capture_output=True, text=True).stdout
    errors = sorted(set(l for l in out.splitlines() if ": error " in l))
    rg = sorted(set(l for l in out.splitlines() if re.search(r": (warning|info|error) RG00", l)))
    with open(os.path.join(work, tag + ".log"), "w") as f:
        f.write(out)
    return errors, rg

errors_before, rg_before = build("before")
# One pass applies one kind of fix per diagnostic ID (the first offered): run until a pass changes nothing (at most 4).
for _ in range(4):
    before = {p: open(p).read() for p in glob.glob(os.path.join(work, "*.cs"))}
    subprocess.run(["dotnet", "format", "analyzers", os.path.join(work, "Inputs.csproj"), "--severity", "info", "-v", "q"], capture_output=True, text=True)
    if all(open(p).read() == text for p, text in before.items()):
        break
errors_after, rg_after = build("after")
new_errors = [e for e in errors_after if re.sub(r"\(\d+,\d+\)", "", e) not in {re.sub(r"\(\d+,\d+\)", "", x) for x in errors_before}]
print("inputs: %d files" % count)
print("compiler errors: %d before, %d after, %d new" % (len(errors_before), len(errors_after), len(new_errors)))
print("RaceGuard diagnostics: %d before, %d after" % (len(rg_before), len(rg_after)))
by_rule = {}
for l in rg_after:
    rule = re.search(r"RG00\d\d", l).group(0)
    by_rule[rule] = by_rule.get(rule, 0) + 1
print("left after the fixes, by rule: " + (", ".join("%s %d" % kv for kv in sorted(by_rule.items())) or "none"))
for e in new_errors[:20]:
    print("  new error: " + e)
for l in rg_after:
    print("  left: " + re.sub(r" \[.*", "", l.replace(work + os.sep, "")))
