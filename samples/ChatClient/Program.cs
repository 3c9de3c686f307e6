using ChatClient;

var cache = new PartCache();
await cache.WarmUpAsync(new[] { "engine", "wheel", "door", "seat" });
Console.WriteLine($"cached {cache.Count} parts");

var lengths = WordStats.LengthsOf(new[] { "alpha", "beta", "gamma" });
Console.WriteLine($"{lengths.Count} words measured");

using var session = new ChatSession("general");
session.Send("hello");
await Task.Delay(50);
Console.WriteLine($"{session.Transcript.Count} lines in the transcript");

var presence = new PresenceRegistry();
presence.Join("ada");
presence.Leave("ada");
Console.WriteLine($"{presence.Count} users online");

using var http = new HttpClient(new RetryHandler(new HttpClientHandler()));
Console.WriteLine($"retrying client ready ({http.Timeout.TotalSeconds} s timeout)");

var listener = new ChatListener();
listener.Listen();
await Task.Delay(20);
listener.StopListening();
Console.WriteLine($"{listener.Accepted} connections accepted");

using var connection = new ChatConnection();
Console.WriteLine($"chat connection ready ({nameof(connection.SendAsync)})");

var handler = new StreamingHandler();
Console.WriteLine(await handler.HandleAsync(async writer =>
{
    await writer.WriteAsync("hello ");
    await writer.WriteAsync("world");
}));

var avatars = new AvatarStore();
var avatar = await avatars.GetAsync("ada", _ => Task.FromResult(new byte[] { 1, 2, 3 }));
Console.WriteLine($"avatar of {avatar.Length} bytes");

var auth = new AuthState();
auth.SignIn("t0k3n", DateTimeOffset.UtcNow.AddHours(1));
Console.WriteLine(auth.Describe());

var typing = new TypingIndicator();
Console.WriteLine(typing.StartTyping("ada") ? "ada is typing" : "ada was typing");
typing.StopTyping("ada");
