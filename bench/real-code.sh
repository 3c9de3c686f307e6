#!/usr/bin/env bash
# The real-code scan of bench/real-code.md: runs RaceGuard.Bench over each library folder (with --peers) and prints a
# summary table. The libraries are not part of this repository: check each out at the commit listed below into
# <root>/<name> first (any way you like; keep the Directory.Build.props files above the folder: the bench reads
# <ImplicitUsings> from them), then run:  bash bench/real-code.sh <root> [output-dir]
set -euo pipefail
cd "$(dirname "$0")/.."
root=${1:?usage: bash bench/real-code.sh <folder holding the checkouts> [output-dir]}
out=${2:-artifacts/real-code}
mkdir -p "$out"

# name | repository | commit | folder scanned (relative to the checkout)
libraries="
Polly|App-vNext/Polly|173d6d1d2e28a4697f1ac1d22da68f77ff19a0c9|src
serilog|serilog/serilog|60935b4d7abad71cf6157b45a10f5c3c65ead527|src
AsyncEx|StephenCleary/AsyncEx|0361015459938f2eb8f3c1ad1021d19ee01c93a4|src
netmq|zeromq/netmq|1ab9ad07f4381c7abb76ad305ee7408dd6af289d|src/NetMQ
LiteDB|mbdavid/LiteDB|2cc00c7094a966b7912c321c1ff7a754433c6d14|LiteDB
npgsql|npgsql/npgsql|3cb5804b769b000a1fc88ad8e5e764667f0df4a1|src/Npgsql
Hangfire|HangfireIO/Hangfire|c236dd0f930f831ec151e436e138ddc429a02a72|src/Hangfire.Core
confluent-kafka|confluentinc/confluent-kafka-dotnet|f96837a9cc47b1e51cb66ef5b4e80660c33535c6|src/Confluent.Kafka
akka|akkadotnet/akka.net|07c2b51640e94bdc35dcff15155abb5bcbe4d8e2|src/core/Akka
StackExchange.Redis|StackExchange/StackExchange.Redis|90bbf1fcba1c9cc464c94b96d16c2706f590383f|src/StackExchange.Redis
orleans-runtime|dotnet/orleans|e558829b0b0f696e98c222438106e643fb53928f|src/Orleans.Runtime
orleans-core|dotnet/orleans|e558829b0b0f696e98c222438106e643fb53928f|src/Orleans.Core
nlog|NLog/NLog|01a20bc9b61c0d6296e5b6e62a0518a443b944b5|src/NLog
rabbitmq|rabbitmq/rabbitmq-dotnet-client|9579b3d5acb77457ddbd8ad8df655c39ddf00eaf|projects/RabbitMQ.Client
quartznet|quartznet/quartznet|d97e7822f25987ad7944249c37ca5573835f171e|src/Quartz
mqttnet|dotnet/MQTTnet|14463d1ef9f1f119514185c1832905b91bff827d|Source/MQTTnet
smartthreadpool|amibar/SmartThreadPool|27cb713535138416fb82431cefcbe89d6d3c1114|SmartThreadPool
nats|nats-io/nats.net.v2|41b1778e76a5a334ca7338db7b2cd8a073c38be4|src/NATS.Client.Core
easynetq|EasyNetQ/EasyNetQ|03da1f1d7e193ee2112da4c2f1891c773f332730|Source/EasyNetQ
websocket-client|Marfusios/websocket-client|10f39cfacf350757738785c06124b7dd7e9c9885|src/Websocket.Client
vs-threading|microsoft/vs-threading|b20b6b4b3cc8a649c8d8a203fbf84515b113133f|src/Microsoft.VisualStudio.Threading
Dapper|DapperLib/Dapper|6d48ef664acc7298c649e2d449d903b3360d5a90|Dapper
protoactor|asynkron/protoactor-dotnet|5f68a46d94b95e7be615c6f761a2f05040ac4fd4|src/Proto.Actor
mysqlconnector|mysql-net/MySqlConnector|61366757a2ae58e9ec0624518d437212ffae04eb|src/MySqlConnector
foundatio|FoundatioFx/Foundatio|b2c39b4f6915e42b9b4126b84e9632ba4db818d7|src/Foundatio
Meziantou.Analyzer|meziantou/Meziantou.Analyzer|22602bedcff5ea6d40fa8be2db68eefbea01f135|src/Meziantou.Analyzer
IDisposableAnalyzers|DotNetAnalyzers/IDisposableAnalyzers|57fe587704e4f9f57aa01302b1231449bcd686f0|IDisposableAnalyzers
DotNetty|Azure/DotNetty|78c5757062a9eb62e2aab2bbb35d3983710f9651|src
bitfaster|bitfaster/BitFaster.Caching|f0dfd829c0ae91b7072d5880d27f31851071bf1b|BitFaster.Caching
websocket-sharp|sta/websocket-sharp|42704061c92cd5ce56cf6f4c695f5303b27e1027|websocket-sharp
netcoreserver|chronoxor/NetCoreServer|b7fcaf7661cea0d0ca9434cbe15d398cf1e64fc4|source/NetCoreServer
grpc-client|grpc/grpc-dotnet|91c8faf22c6571643a4a90026816bfc01e8f4946|src/Grpc.Net.Client
log4net|apache/logging-log4net|1231d72f769cac100e17275e40a9f384abf564c3|src/log4net
fleck|statianzo/Fleck|45672e0781974bb04dbad1b94320756a33c60a6d|src/Fleck
prometheus-net|prometheus-net/prometheus-net|60e9106a83ff1274fec0022c37366f04822b1d1b|Prometheus
freeredis|2881099/FreeRedis|8ebda12bc64431673b2228c6e9aee7db59804f8b|src/FreeRedis
rebus|rebus-org/Rebus|30f9db9b35ed07b65b091d61874c2f46314ad78a|Rebus
supersocket|kerryjiang/SuperSocket|f15e45e3c4e4918d5e595cbd25df6543bd7e02e6|src
coravel|jamesmh/coravel|4072e041820f2d14529276340abb7150a83945da|Src/Coravel
litenetlib|RevenantX/LiteNetLib|ae8ece75ee2c5014a46ebd641319eb4097c1e39d|LiteNetLib
telepathy|vis2k/Telepathy|78dff631223bacf72dd113d9d86cc04eb2bae85d|Telepathy
servicestack-redis|ServiceStack/ServiceStack.Redis|33faac719a248ca5ced5bee2e6e85b3fbbce4bf8|src/ServiceStack.Redis
pipelines-sockets|mgravell/Pipelines.Sockets.Unofficial|dbcd7d9fed6c24c46e2ccc961f4b36b36d9b730e|src/Pipelines.Sockets.Unofficial
easycaching|dotnetcore/EasyCaching|1ebd8e8733f5a127aca3bcf3452763db4c13e930|src/EasyCaching.InMemory
disruptor|disruptor-net/Disruptor-net|8f6d8c61a98b6c3da1bcba9fecaaa1ce97b232b4|src/Disruptor
cap|dotnetcore/CAP|e52b8508e54cdb7a9ce7f9fec03d9ea8ad2710fb|src/DotNetCore.CAP
nerdbank-streams|dotnet/Nerdbank.Streams|c936d2210f00c3a8762c647d5e69264480a98fcb|src/Nerdbank.Streams
cachemanager|MichaCo/CacheManager|5aedc81b3caa0811433544277168964f4203e319|src/CacheManager.Core
lazycache|alastairtree/LazyCache|633b5702ddbc3e013aa9a3893d7b4dc0c807943f|LazyCache
serilog-sinks-file|serilog/serilog-sinks-file|53280f51d74deaa3e1bcde686a1653737832422d|src/Serilog.Sinks.File
recyclable-stream|microsoft/Microsoft.IO.RecyclableMemoryStream|22f2f7648a23b8b6868aef4d888a8efe864c0617|src
streamjsonrpc|microsoft/vs-streamjsonrpc|b2e9893e47074e2ab051f193573283a09286b433|src/StreamJsonRpc
"

dotnet build bench/RaceGuard.Bench -c Release -v q >/dev/null
printf "%-16s %8s %9s %11s %9s %9s %7s %6s %5s\n" library lines "bind ms" "RaceGuard ms" "x bind" "VSTHRD ms" "RG/VSTHRD" diags AD0001
while IFS='|' read -r name repo commit folder; do
  [ -z "$name" ] && continue
  dir="$root/$name/$folder"
  if [ ! -d "$dir" ]; then echo "$name: $dir missing (check out $repo at $commit)"; continue; fi
  log="$out/$name.log"
  dotnet bench/RaceGuard.Bench/bin/Release/net10.0/RaceGuard.Bench.dll scan "$dir" --peers >"$log" 2>/dev/null || true
  lines=$(sed -nE 's/^files: [0-9]+, lines: ([0-9,]+).*/\1/p' "$log" | tr -d ,)
  bind=$(sed -nE 's/^bind \(compilation.GetDiagnostics\): ([0-9,]+) ms/\1/p' "$log" | tr -d ,)
  rg=$(sed -nE 's/^RaceGuard: ([0-9,]+) ms.*/\1/p' "$log" | tr -d ,)
  vs=$(sed -nE 's/^Microsoft.VisualStudio.Threading.Analyzers: ([0-9,]+) ms.*/\1/p' "$log" | tr -d ,)
  diags=$(sed -nE 's/^RaceGuard diagnostics: ([0-9]+)/\1/p' "$log")
  crashes=$(sed -nE 's/^RaceGuard analyzer exceptions: ([0-9]+).*/\1/p' "$log")
  printf "%-16s %8s %9s %11s %9.3f %9s %7.3f %6s %5s\n" "$name" "$lines" "$bind" "$rg" "$(awk -v a="$rg" -v b="$bind" 'BEGIN{print a/b}')" "$vs" "$(awk -v a="$rg" -v b="$vs" 'BEGIN{print a/b}')" "$diags" "$crashes"
done <<< "$libraries"
