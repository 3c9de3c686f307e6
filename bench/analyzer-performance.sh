#!/usr/bin/env bash
# Prints how long RaceGuard's analyzers take on a build: the ChatClient sample and a generated project of
# many types (half with concurrent code, half plain), using the compiler's own per-analyzer timing (ReportAnalyzer).
# Usage: bash bench/analyzer-performance.sh [number-of-generated-types]   (default 400)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
types=${1:-400}
work=artifacts/bench
rm -rf "$work" && mkdir -p "$work/Generated"

cat > "$work/Generated/Generated.csproj" <<PROJ
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <TargetFramework>net8.0</TargetFramework>
    <Nullable>enable</Nullable>
    <ImplicitUsings>enable</ImplicitUsings>
    <NoWarn>\$(NoWarn);CS1998;CS0414;CS0169</NoWarn>
  </PropertyGroup>
  <ItemGroup>
    <ProjectReference Include="$root/RaceGuard.Analyzers/RaceGuard.Analyzers.csproj" OutputItemType="Analyzer" ReferenceOutputAssembly="false" />
  </ItemGroup>
</Project>
PROJ

for i in $(seq 1 "$types"); do
  if (( i % 2 == 0 )); then
    cat > "$work/Generated/Worker$i.cs" <<CS
namespace Generated;

public sealed class Worker$i : IDisposable
{
    private readonly object _gate = new();
    private readonly Dictionary<string, int> _counts = new();
    private readonly List<string> _log = new();
    private readonly System.Threading.Timer _timer;
    private int _ticks;

    public Worker$i() => _timer = new System.Threading.Timer(_ => Tick(), null, 1000, 1000);

    public async Task<int> RunAsync(IReadOnlyList<string> items)
    {
        var results = new List<int>();
        var tasks = items.Select(async item => { await Task.Yield(); lock (_gate) { results.Add(item.Length); } }).ToList();
        await Task.WhenAll(tasks);
        Parallel.ForEach(items, item => { lock (_gate) { _counts[item] = item.Length; } });
        var t = Task.Run(() => _log.Add("run"));
        await t;
        return results.Count + _counts.Count;
    }

    public void Record(string line) { lock (_gate) { _log.Add(line); } }

    public void Dispose() => _timer.Dispose();

    private void Tick() { lock (_gate) { _ticks++; _log.Add("tick"); } }
}
CS
  else
    cat > "$work/Generated/Plain$i.cs" <<CS
namespace Generated;

public sealed class Plain$i
{
    private readonly Dictionary<string, int> _index = new();

    public int Add(string key, int value)
    {
        if (!_index.TryGetValue(key, out var existing)) { _index[key] = value; return value; }
        var total = existing + value;
        _index[key] = total;
        return _index.Values.Where(v => v > 0).Select(v => v * 2).Sum() + total;
    }

    public IEnumerable<string> Keys(Func<string, bool> filter)
    {
        foreach (var key in _index.Keys) { if (filter(key)) yield return key; }
    }
}
CS
  fi
done
echo "class Program { static void Main() { } }" > "$work/Generated/Program.cs"

report() { # report NAME PROJECT
  dotnet build "$2" -c Release --no-incremental -p:ReportAnalyzer=true -v:d > "$work/$1.log" 2>&1 || { tail -n 20 "$work/$1.log"; exit 1; }
  echo "== $1"
  grep -E "Total analyzer execution time|RaceGuard\.Analyzers\.[A-Za-z]+Analyzer" "$work/$1.log" | sed -E 's/^ +//' | sort -u | head -n 10
  grep -cE "warning RG[0-9]{4}" "$work/$1.log" | sed 's/^/RaceGuard warnings (with duplicates across build passes): /'
}

dotnet build RaceGuard.Analyzers/RaceGuard.Analyzers.csproj -c Release > /dev/null
report "sample-ChatClient" samples/ChatClient/ChatClient.csproj
report "generated-$types-types" "$work/Generated/Generated.csproj"
