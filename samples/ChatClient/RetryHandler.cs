namespace ChatClient;

/// <summary>Retries failed requests. One handler serves every request of its HttpClient, so SendAsync runs many times at once.</summary>
public sealed class RetryHandler : DelegatingHandler
{
    private readonly Dictionary<string, int> _lastFailedAttempt = new();

    public RetryHandler(HttpMessageHandler inner) : base(inner)
    {
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var response = await base.SendAsync(request, cancellationToken);
            if (response.IsSuccessStatusCode || attempt == 3)
            {
                return response;
            }

            _lastFailedAttempt[request.RequestUri?.Host ?? ""] = attempt;
        }
    }
}
