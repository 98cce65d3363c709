#include <stdexcept>
#include <vector>

namespace linalg {

// A dense row-major matrix.
class Matrix {
 public:
  Matrix(std::size_t rows, std::size_t cols) : rows_(rows), cols_(cols), data_(rows * cols) {}

  double& at(std::size_t r, std::size_t c) {
    if (r >= rows_ || c >= cols_) {
      throw std::out_of_range("Matrix::at");
    }
    return data_[r * cols_ + c];
  }

 private:
  std::size_t rows_, cols_;
  std::vector<double> data_;
};

Matrix identity(std::size_t n) {
  Matrix m(n, n);
  for (std::size_t i = 0; i < n; ++i) {
    m.at(i, i) = 1.0;
  }
  return m;
}

}  // namespace linalg
