// Load, encode, decode and train SentencePiece models through a flat C ABI (see shim.h).
#include "shim.h"

#include <sentencepiece_trainer.h>

#include <cstring>
#include <vector>

namespace {
thread_local std::string last_error;
}

void gm::set_spm_error(const std::string& message) { last_error = message; }

// The message of the last failed call on this thread. Valid until the next failure on this thread.
GM_API const char* gm_spm_last_error() { return last_error.c_str(); }

GM_API gm_spm gm_spm_load(const char* model_path) {
  GM_SPM_TRY(nullptr, {
    auto processor = new sentencepiece::SentencePieceProcessor();
    const auto status = processor->Load(model_path);
    if (!status.ok()) {
      delete processor;
      gm::check(status);
    }
    return processor;
  })
}

GM_API void gm_spm_free(gm_spm processor) { delete processor; }

GM_API int gm_spm_vocab_size(gm_spm processor) {
  GM_SPM_TRY(-1, return processor->GetPieceSize();)
}

// Encodes `length` bytes of UTF-8 into ids. Writes at most `capacity` ids and returns how many the
// text has, so a caller whose buffer was too small calls again with a larger one.
GM_API int gm_spm_encode(gm_spm processor, const char* utf8, int length, int* ids, int capacity) {
  GM_SPM_TRY(-1, {
    std::vector<int> out;
    gm::check(processor->Encode(std::string_view(utf8, static_cast<size_t>(length)), &out));
    const int n = static_cast<int>(out.size());
    std::memcpy(ids, out.data(), sizeof(int) * static_cast<size_t>(n < capacity ? n : capacity));
    return n;
  })
}

// Decodes ids into UTF-8 (not NUL-terminated). Writes at most `capacity` bytes and returns the
// text's length in bytes, so a caller whose buffer was too small calls again with a larger one.
GM_API int gm_spm_decode(gm_spm processor, const int* ids, int count, char* utf8, int capacity) {
  GM_SPM_TRY(-1, {
    const int size = processor->GetPieceSize();
    for (int i = 0; i < count; ++i)
      if (ids[i] < 0 || ids[i] >= size)
        throw gm::status_error("id " + std::to_string(ids[i]) + " at index " + std::to_string(i) +
                               " is outside the vocabulary [0, " + std::to_string(size) + ")");
    std::string text;
    gm::check(processor->Decode(std::vector<int>(ids, ids + count), &text));
    const int n = static_cast<int>(text.size());
    std::memcpy(utf8, text.data(), static_cast<size_t>(n < capacity ? n : capacity));
    return n;
  })
}

// Trains a model with the trainer's own flag syntax, e.g.
// "--input=corpus.txt --model_prefix=out/m --vocab_size=8000". The seed fixes the library's random
// generator (sentence sampling), so a corpus and seed give one model. 0 on success, -1 on failure.
GM_API int gm_spm_train(const char* args, unsigned int seed) {
  GM_SPM_TRY(-1, {
    sentencepiece::SetRandomGeneratorSeed(seed);
    gm::check(sentencepiece::SentencePieceTrainer::Train(std::string_view(args)));
    return 0;
  })
}
