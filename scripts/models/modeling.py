"""BERT and RoBERTa encoders with Hugging Face's module tree and parameter names.

Written from the published architecture, not copied, so the state dict of each class loads
into the matching `transformers` class with `from_pretrained`:

    BertModel                          embeddings.*, encoder.layer.N.*, pooler.dense.*
    BertForSequenceClassification      bert.* (with pooler), classifier.*
    BertForTokenClassification         bert.* (no pooler), classifier.*
    RobertaForSequenceClassification   roberta.* (no pooler), classifier.dense.*, classifier.out_proj.*

Forward passes take tensors only and return one tensor (logits, or last_hidden_state for
BertModel), which is what torch.jit.trace and torch.onnx.export need. Everything that depends
on the batch size or sequence length is computed from tensor shapes at run time, so one trace
or export serves every shape.
"""
import math

import torch
from torch import nn


def build_model(config):
    """The module that config.json's `architectures[0]` names."""
    name = config["architectures"][0]
    classes = {
        "BertModel": BertModel,
        "BertForSequenceClassification": BertForSequenceClassification,
        "BertForTokenClassification": BertForTokenClassification,
        "RobertaForSequenceClassification": RobertaForSequenceClassification,
    }
    if name not in classes:
        raise ValueError(f"unsupported architecture {name}")
    return classes[name](config)


def input_names(config):
    """ONNX/trace inputs in Optimum's order; RoBERTa has no token_type_ids input."""
    if config["model_type"] == "roberta":
        return ["input_ids", "attention_mask"]
    return ["input_ids", "attention_mask", "token_type_ids"]


class Embeddings(nn.Module):
    """Word + position + token-type embeddings, LayerNorm, dropout.

    BERT numbers positions 0..S-1. RoBERTa numbers non-padding tokens from padding_idx + 1
    and gives padding the padding index, which is why its checkpoints have 514 positions for
    512 tokens.
    """

    def __init__(self, config):
        super().__init__()
        h = config["hidden_size"]
        self.roberta = config["model_type"] == "roberta"
        self.padding_idx = config["pad_token_id"]
        self.word_embeddings = nn.Embedding(config["vocab_size"], h, padding_idx=self.padding_idx)
        self.position_embeddings = nn.Embedding(
            config["max_position_embeddings"], h, padding_idx=self.padding_idx if self.roberta else None
        )
        self.token_type_embeddings = nn.Embedding(config["type_vocab_size"], h)
        self.LayerNorm = nn.LayerNorm(h, eps=config["layer_norm_eps"])
        self.dropout = nn.Dropout(config["hidden_dropout_prob"])

    def forward(self, input_ids, token_type_ids):
        if self.roberta:
            not_pad = input_ids.ne(self.padding_idx).long()
            position_ids = torch.cumsum(not_pad, dim=1) * not_pad + self.padding_idx
        else:
            # ones.cumsum - 1 rather than arange(S): shape-derived, so traces stay dynamic.
            position_ids = torch.cumsum(torch.ones_like(input_ids), dim=1) - 1
        x = self.word_embeddings(input_ids) + self.position_embeddings(position_ids) + self.token_type_embeddings(token_type_ids)
        return self.dropout(self.LayerNorm(x))


class SelfAttention(nn.Module):
    def __init__(self, config):
        super().__init__()
        h = config["hidden_size"]
        self.heads = config["num_attention_heads"]
        if h % self.heads:
            raise ValueError("hidden_size must be a multiple of num_attention_heads")
        self.head_size = h // self.heads
        self.query = nn.Linear(h, h)
        self.key = nn.Linear(h, h)
        self.value = nn.Linear(h, h)
        self.dropout = nn.Dropout(config["attention_probs_dropout_prob"])

    def split_heads(self, x):
        b, s = x.shape[0], x.shape[1]
        return x.view(b, s, self.heads, self.head_size).permute(0, 2, 1, 3)

    def forward(self, hidden, mask_bias):
        q, k, v = self.split_heads(self.query(hidden)), self.split_heads(self.key(hidden)), self.split_heads(self.value(hidden))
        scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(self.head_size) + mask_bias
        probs = self.dropout(torch.softmax(scores, dim=-1))
        context = torch.matmul(probs, v).permute(0, 2, 1, 3).contiguous()
        return context.view(context.shape[0], context.shape[1], -1)


class DenseResidualNorm(nn.Module):
    """dense → dropout → LayerNorm(x + residual): BertSelfOutput and BertOutput."""

    def __init__(self, config, fan_in):
        super().__init__()
        h = config["hidden_size"]
        self.dense = nn.Linear(fan_in, h)
        self.LayerNorm = nn.LayerNorm(h, eps=config["layer_norm_eps"])
        self.dropout = nn.Dropout(config["hidden_dropout_prob"])

    def forward(self, x, residual):
        return self.LayerNorm(self.dropout(self.dense(x)) + residual)


class Attention(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.self = SelfAttention(config)
        self.output = DenseResidualNorm(config, config["hidden_size"])

    def forward(self, hidden, mask_bias):
        return self.output(self.self(hidden, mask_bias), hidden)


class Intermediate(nn.Module):
    def __init__(self, config):
        super().__init__()
        if config["hidden_act"] != "gelu":
            raise ValueError("only hidden_act 'gelu' (exact, erf-based) is implemented")
        self.dense = nn.Linear(config["hidden_size"], config["intermediate_size"])

    def forward(self, x):
        return nn.functional.gelu(self.dense(x))


class Layer(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.attention = Attention(config)
        self.intermediate = Intermediate(config)
        self.output = DenseResidualNorm(config, config["intermediate_size"])

    def forward(self, hidden, mask_bias):
        attended = self.attention(hidden, mask_bias)
        return self.output(self.intermediate(attended), attended)


class Encoder(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.layer = nn.ModuleList([Layer(config) for _ in range(config["num_hidden_layers"])])

    def forward(self, hidden, mask_bias):
        for layer in self.layer:
            hidden = layer(hidden, mask_bias)
        return hidden


class Pooler(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.dense = nn.Linear(config["hidden_size"], config["hidden_size"])

    def forward(self, hidden):
        return torch.tanh(self.dense(hidden[:, 0]))


class Backbone(nn.Module):
    """BertModel / RobertaModel: embeddings, encoder, optional pooler."""

    def __init__(self, config, pooler):
        super().__init__()
        self.embeddings = Embeddings(config)
        self.encoder = Encoder(config)
        self.pooler = Pooler(config) if pooler else None

    def forward(self, input_ids, attention_mask, token_type_ids=None):
        if token_type_ids is None:
            token_type_ids = torch.zeros_like(input_ids)
        # Masked keys get the most negative float added to their scores, as Hugging Face does,
        # so a padded position has exactly zero attention weight.
        mask = attention_mask[:, None, None, :].to(torch.float32)
        mask_bias = (1.0 - mask) * torch.finfo(torch.float32).min
        return self.encoder(self.embeddings(input_ids, token_type_ids), mask_bias)


def init_weights(module, std):
    """Hugging Face's _init_weights: N(0, initializer_range), zero biases and padding rows."""
    for m in module.modules():
        if isinstance(m, nn.Linear):
            nn.init.normal_(m.weight, 0.0, std)
            nn.init.zeros_(m.bias)
        elif isinstance(m, nn.Embedding):
            nn.init.normal_(m.weight, 0.0, std)
            if m.padding_idx is not None:
                with torch.no_grad():
                    m.weight[m.padding_idx].zero_()
        elif isinstance(m, nn.LayerNorm):
            nn.init.ones_(m.weight)
            nn.init.zeros_(m.bias)


class BertModel(Backbone):
    """Returns last_hidden_state [batch, sequence, hidden]. The pooler is kept (and saved)
    because transformers' BertModel has one; the sentence embedding is a masked mean."""

    def __init__(self, config):
        super().__init__(config, pooler=True)
        init_weights(self, config["initializer_range"])


class BertForSequenceClassification(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.bert = Backbone(config, pooler=True)
        self.dropout = nn.Dropout(config["hidden_dropout_prob"])
        self.classifier = nn.Linear(config["hidden_size"], len(config["id2label"]))
        init_weights(self, config["initializer_range"])

    def forward(self, input_ids, attention_mask, token_type_ids=None):
        hidden = self.bert(input_ids, attention_mask, token_type_ids)
        return self.classifier(self.dropout(self.bert.pooler(hidden)))


class BertForTokenClassification(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.bert = Backbone(config, pooler=False)
        self.dropout = nn.Dropout(config["hidden_dropout_prob"])
        self.classifier = nn.Linear(config["hidden_size"], len(config["id2label"]))
        init_weights(self, config["initializer_range"])

    def forward(self, input_ids, attention_mask, token_type_ids=None):
        return self.classifier(self.dropout(self.bert(input_ids, attention_mask, token_type_ids)))


class RobertaClassificationHead(nn.Module):
    """<s> token → dropout → dense → tanh → dropout → out_proj."""

    def __init__(self, config):
        super().__init__()
        h = config["hidden_size"]
        self.dense = nn.Linear(h, h)
        self.dropout = nn.Dropout(config["hidden_dropout_prob"])
        self.out_proj = nn.Linear(h, len(config["id2label"]))

    def forward(self, hidden):
        x = self.dropout(hidden[:, 0])
        return self.out_proj(self.dropout(torch.tanh(self.dense(x))))


class RobertaForSequenceClassification(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.roberta = Backbone(config, pooler=False)
        self.classifier = RobertaClassificationHead(config)
        init_weights(self, config["initializer_range"])

    def forward(self, input_ids, attention_mask):
        return self.classifier(self.roberta(input_ids, attention_mask))
