using System.Text;
using System.Threading.Channels;

namespace ChatClient;

/// <summary>
/// Streams a reply's tokens to the caller while a background task generates them; the generator's error is handed
/// over through a captured variable that the handler reads after draining the channel.
/// </summary>
public sealed class StreamingHandler
{
    public async Task<string> HandleAsync(Func<ChannelWriter<string>, Task> generate)
    {
        var tokens = Channel.CreateUnbounded<string>();
        Exception? execError = null;
        _ = Task.Run(async () =>
        {
            try
            {
                await generate(tokens.Writer);
            }
            catch (Exception ex)
            {
                execError = ex;
            }
            finally
            {
                tokens.Writer.Complete();
            }
        });

        var reply = new StringBuilder();
        await foreach (var token in tokens.Reader.ReadAllAsync())
        {
            reply.Append(token);
        }

        return execError is null ? reply.ToString() : "error: " + execError.Message;
    }
}
